import { describe, expect, it } from 'vitest';
import { emptyResponse, Rcode } from '../message.ts';
import { InFlightLimit } from './in-flight.ts';

describe('InFlightLimit', () => {
  it('runs up to max at once, answers SERVFAIL past it, and frees a slot when an answer comes', async () => {
    const limit = new InFlightLimit(2);
    const held: (() => void)[] = [];
    const ask = () => new Promise<ReturnType<typeof emptyResponse>>((done) => held.push(() => done(emptyResponse(Rcode.NOERROR, 'upstream:x'))));
    const first = limit.run(ask);
    void limit.run(ask);
    expect((await limit.run(ask)).rcode).toBe(Rcode.SERVFAIL);
    held[0]!();
    expect((await first).rcode).toBe(Rcode.NOERROR);
    expect(limit.inFlight).toBe(1);
    void limit.run(ask);
    expect(limit.inFlight).toBe(2);
  });
});

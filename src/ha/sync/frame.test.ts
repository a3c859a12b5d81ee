import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test/support/random.ts';
import { encodeFrame, FrameReader, MAX_FRAME } from './frame.ts';

describe('sync frames', () => {
  it('reassembles messages however the stream is cut', () => {
    const messages = [{ type: 'a', body: 1 }, { type: 'b', body: 'é'.repeat(1000) }, { type: 'c' }];
    const bytes = Buffer.concat(messages.map(encodeFrame));
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const reader = new FrameReader();
      const out: unknown[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + Math.floor(random() * 300);
        const read = reader.push(bytes.subarray(at, at + size));
        if (!read.ok) throw new Error(read.reason);
        out.push(...read.messages);
        at += size;
      }
      expect(out).toEqual(messages);
    }
  });

  it('refuses an oversized length before buffering it, and a body that is not JSON', () => {
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(MAX_FRAME + 1);
    expect(new FrameReader().push(huge)).toMatchObject({ ok: false, reason: /over the/ });
    const junk = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{{{')]);
    expect(new FrameReader().push(junk)).toMatchObject({ ok: false, reason: /not JSON/ });
  });

  it('never throws on random bytes', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 5_000; round++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
      if (random() < 0.5 && bytes.length >= 4) bytes.writeUInt32BE(Math.floor(random() * 40), 0);
      expect(() => new FrameReader().push(bytes)).not.toThrow();
    }
  });
});

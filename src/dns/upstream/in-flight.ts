// A cap on queries waiting for upstreams at once, across every view and
// pool (BIND's recursive-clients). Without one, a flood of random names
// (each a cache miss) holds a socket, a timer and a pending promise per
// query until upstreams time out, and the Pi runs out of memory or sockets
// before anything else gives. Past the cap a query gets SERVFAIL at once,
// which the cache stage answers from a stale entry when it has one.
import { emptyResponse, Rcode, type Response } from '../message.ts';

const OVERLOADED: Response = emptyResponse(Rcode.SERVFAIL, 'servfail');

export class InFlightLimit {
  /** Changed by a reload; queries already waiting are not cut off. */
  max: number;
  private count = 0;

  constructor(max: number) {
    this.max = max;
  }

  get inFlight(): number {
    return this.count;
  }

  run(ask: () => Promise<Response>): Promise<Response> {
    if (this.count >= this.max) return Promise.resolve(OVERLOADED);
    this.count++;
    return ask().finally(() => {
      this.count--;
    });
  }
}

// Failed API logins are limited per address; successes never are: a broken
// script with an old token on the same host (or behind the same NAT) cannot
// lock the admin and Prometheus out, while a guesser still gets 429s.
import { describe, expect, it } from 'vitest';
import { FAILURES_PER_MINUTE } from '../../src/api/auth.ts';
import { start } from '../support/api-harness.ts';

describe('a script with a stale token hammering the API', () => {
  it('gets 429 after the limit, while the right token keeps working from the same address', async () => {
    const h = await start();
    try {
      for (let i = 0; i < FAILURES_PER_MINUTE * 3; i++) {
        const stale = await h.call('GET', '/metrics', { token: 'stale-token' });
        expect(stale.status).toBe(i < FAILURES_PER_MINUTE ? 401 : 429);
        expect((await h.call('GET', '/metrics')).status).toBe(200);
      }
    } finally {
      await h.close();
    }
  });
});

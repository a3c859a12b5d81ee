import { afterAll, expect, it } from 'vitest';
import { describeWith } from '../../test/support/tools.ts';
import { IpBatch } from './ip-batch.ts';

describeWith(['ip'])('ip -batch, kept running', () => {
  const ip = new IpBatch();
  afterAll(() => ip.close());

  it("tells each command's success and error apart, in order", async () => {
    const results = await Promise.all([
      ip.run(['link', 'show', 'dev', 'lo']),
      ip.run(['address', 'del', '10.250.250.250/32', 'dev', 'lo']),
      ip.run(['link', 'show', 'dev', 'lo']),
    ]);
    expect(results.map((result) => result.code)).toEqual([0, 2, 0]);
    expect(results[1]!.stderr).toMatch(/Address not found|Cannot assign requested address/);
    expect(results[2]!.stderr).toBe('');
  });

  it('refuses anything but plain words', async () => {
    expect((await ip.run(['link', 'show', 'dev', 'lo\nlink'])).failure).toMatch(/not a plain word/);
  });
});

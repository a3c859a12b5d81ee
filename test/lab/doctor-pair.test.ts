// `hearth doctor` on a running node of the pair: the peer answers on the sync
// channel, the clock skew the sync measured, and whether the two priorities
// differ (from the peer's adverts, as GET /ha shows them).
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { generatePairSecret } from '../../src/ha/secret.ts';
import { ROOT } from '../integration/harness.ts';
import { describeLab } from './lan.ts';
import { HearthNode, NODES, PairLab } from './pair.ts';
import { waitFor } from './wait.ts';

describeLab(['curl', 'arping'])('hearth doctor on a running node of the pair', () => {
  let lab: PairLab | undefined;
  afterEach(async () => {
    await lab?.destroy();
    lab = undefined;
  }, 60_000);

  /** A running pair; doctor's output on b once b has heard a's adverts and measured the skew. */
  async function doctorOnB(priorities: { a: number; b: number }): Promise<string> {
    lab = await PairLab.create();
    const secret = generatePairSecret();
    const a = new HearthNode(lab, 'a', { secret, priority: priorities.a });
    const b = new HearthNode(lab, 'b', { secret, priority: priorities.b });
    await Promise.all([a.start(), b.start()]);
    await waitFor(
      'b to hear a and measure the skew',
      async () => {
        const status = (await b.status().catch(() => undefined)) as { peers?: unknown[]; sync?: { clockSkew?: { offsetMs?: number } } } | undefined;
        return (status?.peers?.length ?? 0) > 0 && status?.sync?.clockSkew?.offsetMs !== undefined ? true : undefined;
      },
      () => b.process.output(),
    );
    const args = [join(ROOT, 'src/main.ts'), 'doctor', '-c', join(lab.dir, 'b', 'hearth.yaml')];
    return b.host.exec(process.execPath, args, 30_000).then(
      ({ stdout }) => stdout,
      (error: { stdout: string }) => error.stdout,
    );
  }

  it('finds the peer on the sync channel, the skew small and the priorities distinct', async () => {
    const output = await doctorOnB({ a: NODES.a.priority, b: NODES.b.priority });
    expect(output).toMatch(/^✓ the peer 10\.77\.0\.2:5399 answers on the sync channel with the pair's secret$/m);
    expect(output).toMatch(/^✓ the peer's clock is \d+ ms (behind|ahead of) this one's \(±\d+ ms\)$/m);
    expect(output).toMatch(/^✓ the priorities differ: this node 100, the peer a 150$/m);
  }, 120_000);

  it('fails when both nodes have the same priority, and says how the tie goes', async () => {
    const output = await doctorOnB({ a: 100, b: 100 });
    expect(output).toMatch(/^✗ this node and the peer a both have priority 100$/m);
    expect(output).toMatch(/^ {4}→ .*the tie goes to the higher address, and preempt flaps less with distinct priorities$/m);
  }, 120_000);
});

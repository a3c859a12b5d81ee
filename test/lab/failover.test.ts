// The failover pair in the lab: two hearth nodes share the VIP, and a client
// asks the VIP every 20 ms. Each case checks what a user would see: the
// standby answers at the VIP, every reply comes from the VIP's address, one
// node holds it, and GET /ha says why. The gaps are printed (bench/failover.sh
// measures them against keepalived); tests do not assert times.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { generatePairSecret } from '../../src/ha/secret.ts';
import { describeLab, LAN_IF } from './lan.ts';
import { HearthNode, NODES, PairLab, Probe, VIP } from './pair.ts';
import { waitFor } from './wait.ts';

describeLab(['curl', 'arping', 'nft'])('the failover pair (two hearth nodes, one VIP)', () => {
  let lab: PairLab | undefined;
  let probe: Probe | undefined;
  afterEach(async () => {
    probe?.stop();
    await lab?.destroy();
  }, 60_000);

  async function pairUp(options: { preemptDelay?: string; secretOfB?: string } = {}) {
    lab = await PairLab.create();
    const secret = generatePairSecret();
    const a = new HearthNode(lab, 'a', { secret, preemptDelay: options.preemptDelay });
    const b = new HearthNode(lab, 'b', { secret: options.secretOfB ?? secret, preemptDelay: options.preemptDelay });
    await Promise.all([a.start(), b.start()]);
    await a.reaches('master');
    await b.reaches('backup');
    probe = new Probe(lab.client);
    await probe.answeredAfter(Date.now());
    return { lab, a, b, probe };
  }

  function report(what: string, gapMs: number) {
    console.log(`failover lab: ${what}: longest gap at the VIP ${gapMs} ms`);
  }

  it('kill -9 of the master: the backup answers at the VIP, every reply from the VIP', async () => {
    const { a, b, probe } = await pairUp();
    const killed = Date.now();
    await a.process.stop('SIGKILL');
    const status = await b.reaches('master');
    expect(status.transitions[0]!.reason).toMatch(/^peer a silent for \d+ ms$/);
    await probe.answeredAfter(Date.now());
    report('kill -9', probe.longestGapMs(killed, Date.now()));
    expect(new Set(probe.replies.map((reply) => reply.from))).toEqual(new Set([VIP]));
  }, 120_000);

  it('SIGTERM of the master: priority 0, the backup takes over at once', async () => {
    const { a, b, probe } = await pairUp();
    const stopped = Date.now();
    await a.process.stop('SIGTERM');
    const status = await b.reaches('master');
    expect(status.transitions[0]!.reason).toBe('peer a priority 0 (leaving)');
    expect(await a.holdsVip()).toBe(false);
    await probe.answeredAfter(Date.now());
    report('clean stop', probe.longestGapMs(stopped, Date.now()));
    expect(new Set(probe.replies.map((reply) => reply.from))).toEqual(new Set([VIP]));
  }, 120_000);

  it('the old master returns after kill -9: stale VIP removed, then with preempt it takes the VIP back, one holder at a time', async () => {
    const { lab, a, b, probe } = await pairUp({ preemptDelay: '2s' });
    await a.process.stop('SIGKILL');
    await b.reaches('master');
    expect(await a.holdsVip()).toBe(true); // left behind by the kill
    const returned = Date.now();
    await a.start();
    expect(await a.holdsVip()).toBe(false);
    expect((await a.status()).state).toBe('backup');
    await a.reaches('master');
    const [aStatus, bStatus] = [await a.status(), await b.status()];
    const handedOver = bStatus.transitions.find((t) => t.to === 'backup')!;
    expect(handedOver.reason).toBe('a (priority 150) asked for the VIP');
    expect(Date.parse(handedOver.at)).toBeLessThanOrEqual(Date.parse(aStatus.transitions[0]!.at));
    expect(await b.holdsVip()).toBe(false);
    await probe.answeredAfter(Date.now());
    report('the old master returns (preempt)', probe.longestGapMs(returned, Date.now()));
    expect(new Set(probe.replies.map((reply) => reply.from))).toEqual(new Set([VIP]));
    await waitFor('the client to follow the VIP to a', async () => ((await lab.clientNeighbourOfVip()) === NODES.a.mac ? true : undefined));
  }, 120_000);

  it('link down on the master: the backup takes over; link up: one master, and the client follows it', async () => {
    const { lab, a, b, probe } = await pairUp();
    await a.host.exec('ip', ['link', 'set', LAN_IF, 'down']);
    const down = Date.now();
    await b.reaches('master');
    await probe.answeredAfter(Date.now());
    report('link down', probe.longestGapMs(down, Date.now()));
    await a.host.exec('ip', ['link', 'set', LAN_IF, 'up']);
    await b.reaches('backup');
    expect((await a.status()).state).toBe('master');
    await waitFor('the client to follow the VIP to a', async () => ((await lab.clientNeighbourOfVip()) === NODES.a.mac ? true : undefined));
    await probe.answeredAfter(Date.now());
  }, 120_000);

  it("adverts partitioned, then healed: exactly one master, and the client's neighbour entry ends on its MAC", async () => {
    const { lab, a, b } = await pairUp();
    // Drop only the adverts arriving at a: the client's DNS still reaches both.
    await a.host.exec('nft', ['add', 'table', 'inet', 'lab']);
    await a.host.exec('nft', ['add', 'chain', 'inet', 'lab', 'in', '{ type filter hook input priority 0; }']);
    await a.host.exec('nft', ['add', 'rule', 'inet', 'lab', 'in', 'udp', 'dport', '5399', 'drop']);
    await a.host.exec('nft', ['add', 'chain', 'inet', 'lab', 'out', '{ type filter hook output priority 0; }']);
    await a.host.exec('nft', ['add', 'rule', 'inet', 'lab', 'out', 'udp', 'dport', '5399', 'drop']);
    await b.reaches('master');
    expect((await a.status()).state).toBe('master');
    await sleep(500);
    await a.host.exec('nft', ['delete', 'table', 'inet', 'lab']);
    await b.reaches('backup');
    expect((await b.status()).transitions[0]!.reason).toBe('split brain: a (priority 150) outranks this node');
    expect((await a.status()).state).toBe('master');
    expect(await b.holdsVip()).toBe(false);
    await waitFor('the client to follow the VIP to a', async () => ((await lab.clientNeighbourOfVip()) === NODES.a.mac ? true : undefined));
  }, 120_000);

  it('demote hands the VIP to the peer and stays backup; promote takes it back', async () => {
    const { a, b } = await pairUp();
    expect(JSON.parse(await a.post('demote'))).toEqual({ state: 'backup' });
    await b.reaches('master');
    expect((await a.status()).demoted).toBe(true);
    expect(JSON.parse(await a.post('promote'))).toEqual({ state: 'backup' });
    await a.reaches('master');
    await b.reaches('backup');
    expect(await b.holdsVip()).toBe(false);
  }, 120_000);

  it('a wrong secret: the pair does not form, and the log and GET /ha say why', async () => {
    lab = await PairLab.create();
    const a = new HearthNode(lab, 'a', { secret: generatePairSecret() });
    const b = new HearthNode(lab, 'b', { secret: randomBytes(32).toString('base64') });
    await Promise.all([a.start(), b.start()]);
    await a.reaches('master');
    await b.reaches('master');
    await waitFor('b to log the rejection', () =>
      b.process.output().includes('rejected: bad MAC (is the pair secret the same on both nodes?)') ? true : undefined,
    );
    expect((await b.status()).adverts.rejected.bad_mac).toBeGreaterThan(0);
    const metrics = await b.metrics();
    expect(metrics).toMatch(/^hearth_ha_adverts_rejected_total\{reason="bad_mac"\} [1-9]/m);
    expect(metrics).toMatch(/^hearth_ha_state 2$/m);
    expect(metrics).toMatch(/^hearth_ha_vip_held 1$/m);
  }, 120_000);
});

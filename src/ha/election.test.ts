import { describe, expect, it } from 'vitest';
import { encodeAdvert } from './advert.ts';
import { FakeLan } from './election-fixture.ts';
import { AdvertInbox } from './inbox.ts';

/** 3 × 250 ms + Skew_Time at priority 100: (156 × 250) / 256. */
const DOWN_100 = 750 + 152;

function pair(options: { preemptDelayMs?: number; preempt?: boolean } = {}) {
  const lan = new FakeLan();
  const a = lan.add('a', { address: '10.0.0.2', priority: 150, ...options });
  const b = lan.add('b', { address: '10.0.0.3', priority: 100, ...options });
  return { lan, a, b };
}

describe('the election (RFC 5798 §6.4)', () => {
  it('a lone node goes Initialize → Backup → Master after Master_Down_Interval', () => {
    const lan = new FakeLan();
    const b = lan.add('b', { address: '10.0.0.3' });
    b.start();
    expect(b.state).toBe('backup');
    lan.clock.advance(DOWN_100 - 1);
    expect(b.state).toBe('backup');
    lan.clock.advance(1);
    expect(b.state).toBe('master');
    expect(lan.transitions.map((t) => `${t.to}: ${t.reason}`)).toEqual(['backup: started: waiting for a master', 'master: no master heard for 902 ms']);
  });

  it('two nodes started together: the higher priority is master, never both', () => {
    const { lan, a, b } = pair();
    a.start();
    b.start();
    lan.clock.advance(10_000);
    expect(lan.masters()).toEqual(['a']);
    expect(b.state).toBe('backup');
    expect(lan.mostMastersSince(0)).toBe(1);
  });

  it('a tie in priority goes to the higher address', () => {
    const lan = new FakeLan();
    lan.add('low', { address: '10.0.0.9', priority: 100 }).start();
    lan.add('high', { address: '10.0.0.10', priority: 100 }).start();
    lan.clock.advance(10_000);
    expect(lan.masters()).toEqual(['high']);
  });

  it('the backup takes over when the master falls silent (kill -9), after Master_Down_Interval', () => {
    const { lan, a, b } = pair();
    a.start();
    b.start();
    lan.clock.advance(5000);
    lan.dead.add('a');
    const died = lan.clock.now();
    lan.clock.advance(2000);
    expect(b.state).toBe('master');
    const takeover = lan.transitions.at(-1)!;
    // One backup, no race: 3 × the interval, no Skew_Time (+ the link's delay).
    expect(takeover.at - died).toBeLessThanOrEqual(751);
    expect(takeover.reason).toMatch(/^peer a silent for \d+ ms$/);
  });

  it('of several backups, Skew_Time lets the highest priority take over from a dead master', () => {
    const lan = new FakeLan();
    const nodes = [
      lan.add('a', { address: '10.0.0.2', priority: 150, peerCount: 2 }),
      lan.add('b', { address: '10.0.0.3', priority: 100, peerCount: 2 }),
      lan.add('c', { address: '10.0.0.4', priority: 120, peerCount: 2 }),
    ];
    for (const node of nodes) node.start();
    lan.clock.advance(3000);
    expect(lan.masters()).toEqual(['a']);
    lan.dead.add('a');
    const died = lan.clock.now();
    lan.clock.advance(3000);
    expect(lan.masters()).toEqual(['c']);
    expect(lan.transitions.filter((t) => t.node === 'b' && t.to === 'master' && t.at >= died)).toEqual([]);
  });

  it('a clean stop (priority 0) hands over at once', () => {
    const { lan, a, b } = pair();
    a.start();
    b.start();
    lan.clock.advance(5000);
    const stopped = lan.clock.now();
    a.stop();
    lan.clock.advance(5);
    expect(b.state).toBe('master');
    expect(lan.transitions.at(-1)).toMatchObject({ node: 'b', reason: 'peer a priority 0 (leaving)' });
    expect(lan.transitions.at(-1)!.at - stopped).toBeLessThanOrEqual(2);
  });

  it('the returning higher-priority node waits preempt_delay, then the master hands over first', () => {
    const { lan, a, b } = pair({ preemptDelayMs: 30_000 });
    b.start();
    lan.clock.advance(2000);
    expect(b.state).toBe('master');
    a.start();
    const returned = lan.clock.now();
    lan.clock.advance(29_000);
    expect(a.state).toBe('backup');
    lan.clock.advance(2000);
    expect(a.state).toBe('master');
    expect(b.state).toBe('backup');
    expect(lan.mostMastersSince(returned)).toBe(1);
    const handover = lan.transitions.filter((t) => t.at >= returned);
    expect(handover.map((t) => `${t.node} ${t.to}`)).toEqual(['a backup', 'b backup', 'a master']);
    expect(handover[1]!.reason).toBe('a (priority 150) asked for the VIP');
  });

  it('without preempt, the returning higher-priority node stays backup', () => {
    const { lan, a, b } = pair({ preempt: false });
    b.start();
    lan.clock.advance(2000);
    a.start();
    lan.clock.advance(60_000);
    expect(lan.masters()).toEqual(['b']);
  });

  it('split brain: after the partition heals the lower priority yields within an advert interval, the winner re-announces', () => {
    const { lan, a, b } = pair();
    a.start();
    b.start();
    lan.clock.advance(2000);
    lan.partition('a', 'b');
    lan.clock.advance(3000);
    expect(lan.masters().sort()).toEqual(['a', 'b']);
    lan.heal();
    const healed = lan.clock.now();
    lan.clock.advance(260);
    expect(lan.masters()).toEqual(['a']);
    expect(lan.transitions.at(-1)).toMatchObject({ node: 'b', to: 'backup', reason: 'split brain: a (priority 150) outranks this node' });
    expect(lan.transitions.at(-1)!.at - healed).toBeLessThanOrEqual(251);
    expect(lan.reannounced).toContain('a');
  });

  it('a one-way partition: the deaf backup takes over, the master keeps re-announcing; on heal the backup yields', () => {
    const { lan, a, b } = pair();
    a.start();
    b.start();
    lan.clock.advance(2000);
    lan.blocked.add('a>b');
    lan.clock.advance(2000);
    expect(lan.masters().sort()).toEqual(['a', 'b']);
    expect(lan.reannounced).toContain('a');
    lan.heal();
    lan.clock.advance(260);
    expect(lan.masters()).toEqual(['a']);
  });

  it('an impaired master hands the VIP to a healthy backup; it comes back when healthy (preempt)', () => {
    const { lan, a, b } = pair();
    a.start();
    b.start();
    lan.clock.advance(2000);
    a.setImpaired('dns self-check failed ×3');
    lan.clock.advance(5);
    expect(lan.masters()).toEqual(['b']);
    expect(lan.transitions.findLast((t) => t.node === 'a' && t.to === 'backup')!.reason).toBe('dns self-check failed ×3; b is healthy');
    expect(a.effectivePriority).toBe(0);
    lan.clock.advance(5000);
    expect(lan.masters()).toEqual(['b']);
    a.setImpaired(undefined);
    lan.clock.advance(1000);
    expect(lan.masters()).toEqual(['a']);
  });

  it('an impaired node keeps the VIP when the peer is impaired too', () => {
    const { lan, a, b } = pair();
    a.start();
    b.start();
    lan.clock.advance(2000);
    b.setImpaired('upstreams down');
    lan.clock.advance(5);
    a.setImpaired('upstreams down');
    lan.clock.advance(5000);
    expect(lan.masters()).toEqual(['a']);
  });

  it('demote hands over and stays backup until promote; demote without a live peer is refused', () => {
    const { lan, a, b } = pair();
    a.start();
    lan.clock.advance(2000);
    expect(a.demote()).toEqual({ ok: false, reason: 'no live peer to take over' });
    b.start();
    lan.clock.advance(2000);
    expect(a.demote()).toEqual({ ok: true });
    lan.clock.advance(5);
    expect(lan.masters()).toEqual(['b']);
    lan.clock.advance(60_000);
    expect(lan.masters()).toEqual(['b']);
    expect(a.promote()).toEqual({ ok: true });
    lan.clock.advance(300);
    expect(lan.masters()).toEqual(['a']);
    expect(lan.mostMastersSince(0)).toBe(1);
  });

  it('promote of an impaired node is refused with the reason', () => {
    const { lan, a, b } = pair();
    b.start();
    a.start();
    lan.clock.advance(2000);
    b.setImpaired('event loop stalled 900 ms');
    lan.clock.advance(500);
    expect(b.promote()).toEqual({ ok: false, reason: 'not healthy: event loop stalled 900 ms' });
  });

  it('a backup that stops says priority 0 and nothing moves', () => {
    const { lan, a, b } = pair();
    a.start();
    b.start();
    lan.clock.advance(2000);
    b.stop();
    lan.clock.advance(2000);
    expect(lan.masters()).toEqual(['a']);
  });

  it('datagrams without a valid MAC, replays and strangers never change a state', () => {
    const { lan, a } = pair();
    a.start();
    lan.clock.advance(2000); // a is master alone
    const secret = Buffer.alloc(32, 7);
    const inbox = new AdvertInbox(
      secret,
      new Set(['10.0.0.3:5399']),
      () => lan.clock.now(),
      (from, advert) => a.receive(from, advert),
    );
    const outranking = {
      nodeId: 'b',
      state: 'master' as const,
      priority: 254,
      impaired: false,
      wantsMaster: true,
      intervalMs: 250,
      epoch: 5n,
      counter: 1n,
      sentAt: lan.clock.now(),
    };
    const from = { address: '10.0.0.3', port: 5399 };
    expect(inbox.handle(encodeAdvert(outranking, Buffer.alloc(32, 8)), from)).toBe('bad_mac');
    expect(inbox.handle(encodeAdvert(outranking, secret), { address: '10.0.0.4', port: 5399 })).toBe('unknown_peer');
    expect(inbox.handle(encodeAdvert({ ...outranking, sentAt: 0 }, secret), from)).toBe('clock');
    let seed = 1;
    for (let i = 0; i < 20_000; i++) {
      const bytes = encodeAdvert(outranking, secret);
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[seed % bytes.length]! ^= 1 + ((seed >>> 24) % 255);
      inbox.handle(bytes, from);
    }
    expect(a.state).toBe('master');
    expect(inbox.received).toBe(0);
    // The same advert, well signed, moves it once; sent again, it is a replay.
    const good = encodeAdvert({ ...outranking, wantsMaster: false }, secret);
    expect(inbox.handle(good, from)).toBeUndefined();
    expect(a.state).toBe('backup');
    expect(inbox.handle(good, from)).toBe('replay');
  });
});

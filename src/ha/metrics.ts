// The pair's Prometheus metrics, read from the pair when scraped.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RejectReason } from './inbox.ts';
import type { HaState } from './role.ts';

export interface PairCounts {
  readonly state: HaState;
  readonly vipHeld: boolean;
  readonly transitions: ReadonlyMap<HaState, number>;
  readonly sent: number;
  readonly received: number;
  readonly rejected: ReadonlyMap<RejectReason, number>;
}

const STATE_VALUE: Record<HaState, number> = { init: 0, backup: 1, master: 2 };

export function registerPairMetrics(registry: Registry, read: () => PairCounts): void {
  const registers = [registry];
  new Gauge({
    name: 'hearth_ha_state',
    help: "This node's failover state: 0 init, 1 backup, 2 master",
    registers,
    collect() {
      this.set(STATE_VALUE[read().state]);
    },
  });
  new Gauge({
    name: 'hearth_ha_vip_held',
    help: '1 while this node holds the VIP',
    registers,
    collect() {
      this.set(read().vipHeld ? 1 : 0);
    },
  });
  new Counter({
    name: 'hearth_ha_transitions_total',
    help: 'State changes by the state entered',
    labelNames: ['to'],
    registers,
    collect() {
      this.reset();
      for (const [to, count] of read().transitions) this.inc({ to }, count);
    },
  });
  new Counter({
    name: 'hearth_ha_adverts_sent_total',
    help: 'Adverts sent to peers',
    registers,
    collect() {
      this.reset();
      this.inc(read().sent);
    },
  });
  new Counter({
    name: 'hearth_ha_adverts_received_total',
    help: 'Adverts accepted from peers',
    registers,
    collect() {
      this.reset();
      this.inc(read().received);
    },
  });
  new Counter({
    name: 'hearth_ha_adverts_rejected_total',
    help: 'Datagrams on ha.listen dropped, by reason',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, count] of read().rejected) this.inc({ reason }, count);
    },
  });
}

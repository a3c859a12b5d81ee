// The `ha:` section of the config file: the failover pair. Both nodes run
// the same config except the node-local keys (node_id, priority, interface,
// listen, peers, notify). What only this host can tell (its interfaces and
// addresses, the secret file) is checked by check.ts, at start and by
// `hearth check`.
import { z } from 'zod';
import { cidr, parseCidr } from '../values/cidr.ts';
import { duration } from '../values/duration.ts';
import { listenAddress } from '../values/listen-address.ts';
import { MAX_NODE_ID_BYTES } from './advert.ts';

export const haSchema = z
  .strictObject({
    enabled: z.boolean().prefault(false),
    node_id: z
      .string()
      .min(1)
      .refine((id) => Buffer.byteLength(id) <= MAX_NODE_ID_BYTES, { error: `at most ${MAX_NODE_ID_BYTES} bytes` })
      .prefault('hearth'),
    /** 1-254, higher wins; a tie goes to the higher `listen` address (RFC 5798 §6.4.3). */
    priority: z.number().int().min(1).max(254).prefault(100),
    /** Where the VIP is added and gratuitous ARP leaves. */
    interface: z.string().min(1).prefault('eth0'),
    /** The address clients use, with the interface's prefix length. */
    vip: cidr.refine((value) => parseCidr(value)?.family === 4, { error: 'the VIP must be an IPv4 address (ARP moves it)' }).optional(),
    /** This node's LAN address: the adverts (UDP) and the sync channel (TCP). */
    listen: listenAddress(5399).prefault('0.0.0.0:5399'),
    peers: z.array(listenAddress(5399)).prefault([]),
    /** Master_Down_Interval is 3 × this + skew: 250 ms notices a dead master in ~0.9 s. */
    advert_interval_ms: z.number().int().min(20).max(10_000).prefault(250),
    preempt: z.boolean().prefault(true),
    /** A returning higher-priority node waits this long, healthy, from the first advert it hears from the master. */
    preempt_delay: duration.prefault('30s'),
    secret_file: z.string().optional(),
    /** Commands (argv arrays) run on each state change with the new state appended. */
    notify: z.array(z.array(z.string()).min(1)).prefault([]),
    track: z
      .strictObject({
        dns: z.boolean().prefault(true),
        upstreams: z.boolean().prefault(false),
      })
      .prefault({}),
  })
  .superRefine((ha, ctx) => {
    if (!ha.enabled) return;
    if (ha.vip === undefined) ctx.addIssue({ code: 'custom', path: ['vip'], message: 'ha.enabled needs a vip' });
    if (ha.secret_file === undefined)
      ctx.addIssue({ code: 'custom', path: ['secret_file'], message: 'ha.enabled needs a secret_file (make one with "hearth ha keygen")' });
    if (ha.peers.length === 0) ctx.addIssue({ code: 'custom', path: ['peers'], message: "ha.enabled needs the peer's listen address" });
    if (ha.peers.includes(ha.listen))
      ctx.addIssue({ code: 'custom', path: ['peers'], message: `the peers include this node's own listen address ${ha.listen}` });
    if (/^(0\.0\.0\.0|\[?::\]?)(:|$)/.test(ha.listen))
      ctx.addIssue({
        code: 'custom',
        path: ['listen'],
        message: "ha.listen must be this node's LAN address, not a wildcard: the peer sends to it and ties are decided by it",
      });
  });

export type HaConfig = z.output<typeof haSchema>;

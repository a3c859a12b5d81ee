// The DNS gate (dns.allow, dns.rate_limit) costs every query this much.
//   node_modules/.bin/node bench/gate.ts
import { Admission } from '../src/dns/gate/admission.ts';
const off = new Admission({
  allow: ['local'],
  rate_limit: { qps: 0, burst: 0, slip: 2, ipv4_prefix: 32, ipv6_prefix: 64, exempt: ['127.0.0.0/8', '::1/128'] },
});
const on = new Admission({ allow: ['local'], rate_limit: { qps: 1e9, burst: 0, slip: 2, ipv4_prefix: 32, ipv6_prefix: 64, exempt: [] } });
for (const [label, gate, address] of [
  ['allow local, limit off, 127.0.0.1', off, '127.0.0.1'],
  ['allow local, limit off, LAN v4', off, '192.0.2.77'],
  ['allow local, limit on, LAN v4', on, '192.0.2.77'],
  ['allow local, limit on, LAN v6', on, 'fd00::77'],
] as const) {
  const client = { address, port: 5000, transport: 'udp' as const };
  for (let i = 0; i < 100_000; i++) gate.admit(client);
  const n = 1_000_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) gate.admit(client);
  console.log(label.padEnd(40), (((performance.now() - t) / n) * 1e6).toFixed(0), 'ns/query');
}

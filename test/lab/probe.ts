// The lab's client probe, run inside a client host: a DNS query for NAME to
// SERVER:53 every INTERVAL ms, one line per reply on stdout:
//   <sent at, ms since the epoch> <round trip ms> <the reply's source address>
// so a test sees every gap and whether each reply came from the address asked.
//   node test/lab/probe.ts 10.77.0.53 probe.lan 20
import { createSocket } from 'node:dgram';
import { queryFor } from '../../src/ha/health.ts';

const [server = '', name = '', interval = '20'] = process.argv.slice(2);
const socket = createSocket('udp4');
const sent = new Map<number, number>();
let id = 0;

socket.on('message', (reply, remote) => {
  const at = sent.get(reply.readUInt16BE(0));
  if (at === undefined) return;
  sent.delete(reply.readUInt16BE(0));
  process.stdout.write(`${at} ${Date.now() - at} ${remote.address}\n`);
});
socket.on('error', () => undefined); // no route while the VIP moves: the gap shows it
socket.bind(0, () => {
  setInterval(() => {
    id = (id + 1) & 0xffff;
    sent.set(id, Date.now());
    socket.send(queryFor(id, name.split('.')), 53, server);
  }, Number(interval));
});
process.on('SIGTERM', () => process.exit(0));

// 100,000 random and mutated packets through the DHCP server's handler:
// random bytes, truncated and bit-flipped messages, and well-formed messages
// of every type with random fields and options. Nothing may escape the
// handler or be logged as an error, every reply must decode, and no lease may
// exist that was not first OFFERed to its client for its address: garbage
// never creates a lease, only a DISCOVER/REQUEST exchange does.
import { afterAll, describe, expect, it } from 'vitest';
import { clientOf } from '../../src/dhcp/client.ts';
import { Option, type MessageType } from '../../src/dhcp/options.ts';
import { clientPacket } from '../support/dhcp-packets.ts';
import { TestClient, TestServer, capturingLogger, lease } from '../support/dhcp-server.ts';
import { seededRandom } from '../support/random.ts';

const PACKETS = 100_000;
const BATCH = 500;
const TYPES: MessageType[] = ['DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM'];
const KNOWN_MACS = ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03'];

const { log, lines: errors } = capturingLogger('error');

const rand = seededRandom(5);
const below = (n: number) => Math.floor(rand() * n);
const bytes = (length: number) => Uint8Array.from({ length }, () => below(256));
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;
/** Addresses a client might name: in the range, in the subnet, the server's, anywhere. */
const address = () =>
  pick([`192.168.1.${100 + below(12)}`, `192.168.1.${below(256)}`, '127.0.0.1', '0.0.0.0', `${below(256)}.${below(256)}.${below(256)}.${below(256)}`]);
const addressBytes = () => Uint8Array.from(address().split('.').map(Number));

/** A message that decodes: any type, random header fields, random options. */
function wellFormed(mac: Uint8Array): Uint8Array {
  const options: [number, Uint8Array][] = [];
  if (rand() < 0.5) options.push([Option.REQUESTED_ADDRESS, addressBytes()]);
  if (rand() < 0.5) options.push([Option.SERVER_ID, rand() < 0.5 ? Uint8Array.of(127, 0, 0, 1) : addressBytes()]);
  if (rand() < 0.3) options.push([Option.CLIENT_ID, rand() < 0.5 ? Uint8Array.of(1, ...mac) : bytes(2 + below(20))]);
  if (rand() < 0.3) options.push([Option.HOSTNAME, bytes(1 + below(70))]);
  if (rand() < 0.2) options.push([Option.CLIENT_FQDN, bytes(3 + below(40))]);
  if (rand() < 0.3) options.push([Option.PARAMETER_REQUEST_LIST, bytes(1 + below(30))]);
  if (rand() < 0.2) options.push([Option.MAX_MESSAGE_SIZE, bytes(2)]);
  if (rand() < 0.2) options.push([Option.RELAY_AGENT_INFO, bytes(below(40))]);
  if (rand() < 0.1) options.push([below(256), bytes(below(20))]);
  const hlen = rand() < 0.9 ? mac.length : below(17);
  return clientPacket(pick(TYPES), options, {
    htype: rand() < 0.9 ? 1 : below(256),
    hlen,
    chaddr: hlen === mac.length ? mac : bytes(hlen),
    flags: below(65536),
    xid: below(2 ** 32),
    ciaddr: rand() < 0.5 ? '0.0.0.0' : address(),
    giaddr: rand() < 0.7 ? '0.0.0.0' : address(),
  });
}

function mutated(packet: Uint8Array): Uint8Array {
  const out = Uint8Array.from(packet);
  switch (below(4)) {
    case 0:
      return out.subarray(0, below(out.length)); // truncated anywhere
    case 1: {
      // flipped bytes, mostly in the options
      for (let i = below(8); i >= 0; i--) out[rand() < 0.7 ? 240 + below(out.length - 240) : below(out.length)] = below(256);
      return out;
    }
    case 2: {
      // an option length that runs past the end
      const at = 240 + below(Math.max(1, out.length - 241));
      out[at + 1] = 255;
      return out;
    }
    default:
      return Uint8Array.from([...out, ...bytes(below(100))]);
  }
}

/** One packet of garbage; `mac` decides who it claims to be from. */
function garbage(mac: Uint8Array): Uint8Array {
  const kind = below(3);
  if (kind === 0) return bytes(below(700));
  if (kind === 1) return mutated(wellFormed(mac));
  return wellFormed(mac);
}

describe('DHCP server fuzz', () => {
  const dhcp = new TestServer({ range: ['192.168.1.100', '192.168.1.109'] }, { log });
  afterAll(() => dhcp.close());
  /** Every (client, address) the server OFFERed. */
  const offered = new Set<string>();
  const replies = new Map<string, number>();
  dhcp.onSend = ({ packet }) => {
    replies.set(packet.messageType, (replies.get(packet.messageType) ?? 0) + 1);
    const client = clientOf(packet);
    if (packet.messageType === 'OFFER' && client) offered.add(`${client.key} ${packet.yiaddr}`);
  };

  /** Feeds `count` packets in batches, committing leases between batches as the event loop would. */
  async function feed(count: number, next: () => Uint8Array): Promise<void> {
    for (let sent = 0; sent < count; sent += BATCH) {
      for (let i = 0; i < BATCH; i++) dhcp.server.handle(next());
      await new Promise((done) => setImmediate(done));
      // Time passes: offers lapse, leases run out, the sweep runs.
      dhcp.clock += below(4) * 30_000;
      dhcp.bindings.sweep();
      expect(unofferedLeases()).toEqual([]);
    }
  }

  /** Rows (bound or ended) whose client was never OFFERed their address. */
  function unofferedLeases(): string[] {
    return [...dhcp.store.all()].map((row) => `${row.client} ${row.address}`).filter((key) => !offered.has(key));
  }

  it('creates no lease from garbage, from strangers', async () => {
    await feed(PACKETS / 2, () => garbage(bytes(6)));
    expect(errors).toEqual([]);
    expect([...dhcp.store.all()]).toEqual([]);
    // The garbage reached the state machine: strangers were offered addresses and refused.
    expect(replies.get('OFFER')).toBeGreaterThan(100);
    expect(replies.get('NAK')).toBeGreaterThan(100);
  }, 120_000);

  it('creates leases only through OFFERs while known clients come and go among the garbage', async () => {
    const clients = KNOWN_MACS.map((mac) => new TestClient(mac));
    const macs = clients.map((client) => client.chaddr);
    await feed(PACKETS / 2, () => {
      if (rand() < 0.02) {
        // A real exchange now and then, so there are leases to disturb.
        const client = pick(clients);
        return rand() < 0.5 ? client.discover() : client.select(`192.168.1.${100 + below(10)}`);
      }
      return garbage(pick(macs));
    });
    expect(errors).toEqual([]);
    expect(replies.get('ACK')).toBeGreaterThan(100);
    expect([...dhcp.store.all()].length).toBeGreaterThan(0);
    expect(unofferedLeases()).toEqual([]);
  }, 120_000);

  it('still serves a client normally afterwards', async () => {
    dhcp.clock += 13 * 3600_000;
    dhcp.bindings.sweep();
    const ack = await lease(dhcp, new TestClient('02:00:00:00:00:99'));
    expect(ack.packet.yiaddr).toMatch(/^192\.168\.1\.1\d\d$/);
    expect(errors).toEqual([]);
  });
});

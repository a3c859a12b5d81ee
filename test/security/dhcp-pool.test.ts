// DISCOVERs from random MACs cannot empty the pool: offers hold at most a
// quarter of the range (past it an offer's address stays free for the first
// REQUEST), and once unanswered offers hold half of that, clients never seen
// before are answered at 5 a second after a burst of 30, while known clients
// are answered as always.
import { afterEach, describe, expect, it } from 'vitest';
import { capturingLogger, lease, TestClient, TestServer } from '../support/dhcp-server.ts';

const servers: TestServer[] = [];
afterEach(() => {
  for (const made of servers.splice(0)) made.close();
});
function server(config: Record<string, unknown>, log = capturingLogger('warn')): TestServer {
  const made = new TestServer(config, { log: log.log });
  servers.push(made);
  return made;
}

const randomMac = (i: number) => `02:${[i >> 16, (i >> 8) & 255, i & 255, 0x5a, 0xa5].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

describe('a DISCOVER flood from random MACs', () => {
  it('leaves addresses for a real client: offers hold at most a quarter of the range', async () => {
    const dhcp = server({ range: ['192.168.1.100', '192.168.1.107'] });
    for (let i = 0; i < 8; i++) {
      const [offer] = await dhcp.exchange(new TestClient(randomMac(i)).discover());
      expect(offer?.packet.messageType).toBe('OFFER');
    }
    const ack = await lease(dhcp, new TestClient('02:00:00:00:00:01'));
    expect(ack.packet.yiaddr).toMatch(/^192\.168\.1\.10[0-7]$/);
  });

  it('is answered at the new-client rate, while a known client still gets its address', async () => {
    const log = capturingLogger('warn');
    const dhcp = server({ range: ['192.168.1.100', '192.168.1.199'] }, log);
    const known = new TestClient('02:00:00:00:00:02');
    const first = await lease(dhcp, known);
    let answered = 0;
    for (let i = 0; i < 500; i++) answered += (await dhcp.exchange(new TestClient(randomMac(i)).discover())).length;
    // 13 offers before they crowd the pool (half of its quarter of 100, 25), then the burst of 30.
    expect(answered).toBe(43);
    expect((await dhcp.exchange(known.discover()))[0]?.packet.yiaddr).toBe(first.packet.yiaddr);
    expect(log.lines.filter((line) => line.includes('new DHCP clients arrive faster'))).toHaveLength(1);
    dhcp.clock += 1_000;
    expect((await dhcp.exchange(new TestClient(randomMac(9999)).discover())).length).toBe(1);
  });
});

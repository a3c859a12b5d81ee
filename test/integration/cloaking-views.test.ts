// Cloaking rules and split-horizon views, seen from dig on two source addresses.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, dig, type Running, startHearth } from './harness.ts';

const LAN_ZONE = `$TTL 300
@   IN SOA ns admin ( 1 1h 15m 7d 60 )
    IN NS ns
ns  IN A 192.168.1.53
nas IN A 192.168.1.10
`;
const VPN_ZONE = LAN_ZONE.replace('192.168.1.10', '203.0.113.7');

const RULES_FILE = `# dnscrypt-proxy style cloaking rules
=router.lan      192.168.1.1
*.lan            192.168.1.99
tv.lan           192.168.1.50
tv.lan           192.168.1.51
tv.lan           fd00::50
ads*             0.0.0.0
photos.example   nas.home.lan
`;

describeWith(['dig'])('cloaking and views', () => {
  let hearth: Running;
  const ask = (...args: string[]) => dig(hearth.port, args);

  beforeAll(async () => {
    hearth = await startHearth(
      `
dns:
  listen: ["127.0.0.1:PORT"]
  zones_dir: zones/lan
  cloaking:
    files: [cloaking-rules.txt]
    rules: ["*.lgian.com 192.168.1.3"]
    ttl: 42
  views:
    - name: vpn
      clients: ["127.0.0.2/32", "fd00:vpn::/32"]
      zones_dir: zones/vpn
`.replace('fd00:vpn::/32', 'fd00:1::/32'),
      {
        'zones/lan/home.lan.zone': LAN_ZONE,
        'zones/vpn/home.lan.zone': VPN_ZONE,
        'cloaking-rules.txt': RULES_FILE,
      },
    );
  });
  afterAll(() => hearth?.stop());

  it('answers a cloaked name and all its subdomains with the configured TTL', async () => {
    expect((await ask('lgian.com', 'A')).answer).toEqual(['lgian.com. 42 IN A 192.168.1.3']);
    expect((await ask('www.deep.lgian.com', 'A')).answer).toEqual(['www.deep.lgian.com. 42 IN A 192.168.1.3']);
  });

  it('lets an exact rule beat a wildcard, and the longest suffix beat a shorter one', async () => {
    expect((await ask('router.lan', 'A')).answer).toEqual(['router.lan. 42 IN A 192.168.1.1']);
    expect((await ask('x.router.lan', 'A')).answer).toEqual(['x.router.lan. 42 IN A 192.168.1.99']);
    expect((await ask('other.lan', 'A')).answer).toEqual(['other.lan. 42 IN A 192.168.1.99']);
  });

  it('gives every address of a name cloaked on several lines', async () => {
    expect([...(await ask('tv.lan', 'A')).answer].sort()).toEqual(['tv.lan. 42 IN A 192.168.1.50', 'tv.lan. 42 IN A 192.168.1.51']);
    expect((await ask('tv.lan', 'AAAA')).answer).toEqual(['tv.lan. 42 IN AAAA fd00::50']);
  });

  it('answers a type the rule has no data for with an empty NOERROR, never upstream', async () => {
    const answer = await ask('lgian.com', 'AAAA');
    expect(answer.status).toBe('NOERROR');
    expect(answer.answer).toEqual([]);
    expect((await ask('lgian.com', 'MX')).status).toBe('NOERROR');
  });

  it('matches prefix rules', async () => {
    expect((await ask('adserver.example.net', 'A')).answer).toEqual(['adserver.example.net. 42 IN A 0.0.0.0']);
  });

  it('answers a rule whose value is a name with a CNAME plus the target resolved locally', async () => {
    expect((await ask('photos.example', 'A')).answer).toEqual(['photos.example. 42 IN CNAME nas.home.lan.', 'nas.home.lan. 300 IN A 192.168.1.10']);
  });

  it('picks the view by the source address: the same name answers differently', async () => {
    const lan = await dig(hearth.port, ['-b', '127.0.0.1', 'nas.home.lan', 'A']);
    const vpn = await dig(hearth.port, ['-b', '127.0.0.2', 'nas.home.lan', 'A']);
    expect(lan.answer).toEqual(['nas.home.lan. 300 IN A 192.168.1.10']);
    expect(vpn.answer).toEqual(['nas.home.lan. 300 IN A 203.0.113.7']);
  });

  it("keeps the default view's cloaking in a view that does not override it", async () => {
    const vpn = await dig(hearth.port, ['-b', '127.0.0.2', 'router.lan', 'A']);
    expect(vpn.answer).toEqual(['router.lan. 42 IN A 192.168.1.1']);
  });
});

// Local zones answered by a running hearth, asked with dig and kdig.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, dig, kdig, type Running, startHearth } from './harness.ts';

const ZONE = `$ORIGIN home.lan.
$TTL 3600
@        IN SOA ns admin ( 7 1h 15m 7d 300 ) ; negative TTL 300
         IN NS  ns
ns       IN A   192.168.1.53
nas      IN A   192.168.1.10
         IN AAAA fd00::10
files    IN CNAME nas
media    IN CNAME files
loop1    IN CNAME loop2
loop2    IN CNAME loop1
away     IN CNAME elsewhere.example.
mail     IN MX  10 nas
_ipp._tcp IN SRV 0 0 631 printer
printer  IN A   192.168.1.20
note     IN TXT "hello world" "say \\"hi\\""
caa      IN CAA 0 issue "letsencrypt.org"
svc      IN TYPE65 \\# 3 000100
*.dev    IN A   192.168.1.30
real.dev IN A   192.168.1.31
a.b.c    IN A   192.168.1.40
lab      IN NS  ns.lab
ns.lab   IN A   192.168.1.60
big      IN TXT "${'x'.repeat(200)}"
${Array.from({ length: 30 }, (_, i) => `big IN TXT "${String(i).padStart(3, '0')}${'y'.repeat(197)}"`).join('\n')}
`;

const REVERSE = `$TTL 1h
@  IN SOA ns.home.lan. admin.home.lan. ( 1 1h 15m 7d 60 )
   IN NS ns.home.lan.
10 IN PTR nas.home.lan.
`;

describeWith(['dig', 'kdig'])('local zones (dig, kdig)', () => {
  let hearth: Running;
  const ask = (...args: string[]) => dig(hearth.port, args);

  beforeAll(async () => {
    hearth = await startHearth(
      `
dns:
  listen: ["127.0.0.1:PORT", "[::1]:PORT"]
  zones_dir: zones
`,
      { 'zones/home.lan.zone': ZONE, 'zones/1.168.192.in-addr.arpa.zone': REVERSE },
    );
  });
  afterAll(() => hearth?.stop());

  it('answers a name authoritatively over UDP and TCP, IPv4 and IPv6', async () => {
    for (const args of [[], ['+tcp']]) {
      for (const server of ['127.0.0.1', '::1']) {
        const answer = await dig(hearth.port, ['nas.home.lan', 'A', ...args], server);
        expect(answer.status).toBe('NOERROR');
        expect(answer.flags).toContain('aa');
        expect(answer.answer).toEqual(['nas.home.lan. 3600 IN A 192.168.1.10']);
      }
    }
  });

  it('matches names case-insensitively and echoes the case asked', async () => {
    const answer = await ask('NaS.HoMe.LaN', 'AAAA');
    expect(answer.answer).toEqual(['NaS.HoMe.LaN. 3600 IN AAAA fd00::10']);
  });

  it('answers a missing name with NXDOMAIN and the SOA at the negative TTL', async () => {
    const answer = await ask('nope.home.lan', 'A');
    expect(answer.status).toBe('NXDOMAIN');
    expect(answer.flags).toContain('aa');
    expect(answer.authority).toEqual(['home.lan. 300 IN SOA ns.home.lan. admin.home.lan. 7 3600 900 604800 300']);
  });

  it('answers a missing type with NODATA and the SOA', async () => {
    const answer = await ask('printer.home.lan', 'AAAA');
    expect(answer.status).toBe('NOERROR');
    expect(answer.answer).toEqual([]);
    expect(answer.authority[0]).toMatch(/^home\.lan\. 300 IN SOA/);
  });

  it('treats a name that only has names below it as existing (NODATA, not NXDOMAIN)', async () => {
    const answer = await ask('b.c.home.lan', 'A');
    expect(answer.status).toBe('NOERROR');
    expect(answer.answer).toEqual([]);
  });

  it('follows a CNAME chain inside the zone', async () => {
    const answer = await ask('media.home.lan', 'A');
    expect(answer.answer).toEqual([
      'media.home.lan. 3600 IN CNAME files.home.lan.',
      'files.home.lan. 3600 IN CNAME nas.home.lan.',
      'nas.home.lan. 3600 IN A 192.168.1.10',
    ]);
  });

  it('stops a CNAME loop at the first name seen twice, repeating no record', async () => {
    const answer = await ask('loop1.home.lan', 'A');
    expect(answer.status).toBe('NOERROR');
    expect(answer.answer).toEqual(['loop1.home.lan. 3600 IN CNAME loop2.home.lan.', 'loop2.home.lan. 3600 IN CNAME loop1.home.lan.']);
  });

  it('answers a question for the CNAME itself with the CNAME alone', async () => {
    expect((await ask('media.home.lan', 'CNAME')).answer).toEqual(['media.home.lan. 3600 IN CNAME files.home.lan.']);
  });

  it('gives the CNAME alone when its target is outside every zone and nothing resolves it', async () => {
    const answer = await ask('away.home.lan', 'A');
    expect(answer.answer).toEqual(['away.home.lan. 3600 IN CNAME elsewhere.example.']);
  });

  it('synthesizes wildcard answers, but not for names that exist below the wildcard', async () => {
    expect((await ask('laptop.dev.home.lan', 'A')).answer).toEqual(['laptop.dev.home.lan. 3600 IN A 192.168.1.30']);
    expect((await ask('real.dev.home.lan', 'A')).answer).toEqual(['real.dev.home.lan. 3600 IN A 192.168.1.31']);
    // RFC 4592 §2.2.1: the wildcard does not reach below an existing name.
    expect((await ask('x.real.dev.home.lan', 'A')).status).toBe('NXDOMAIN');
    expect((await ask('laptop.dev.home.lan', 'MX')).answer).toEqual([]);
  });

  it('answers MX, SRV, TXT with several strings, CAA, PTR and a generic RFC 3597 record', async () => {
    expect((await ask('mail.home.lan', 'MX')).answer).toEqual(['mail.home.lan. 3600 IN MX 10 nas.home.lan.']);
    expect((await ask('_ipp._tcp.home.lan', 'SRV')).answer).toEqual(['_ipp._tcp.home.lan. 3600 IN SRV 0 0 631 printer.home.lan.']);
    expect((await ask('note.home.lan', 'TXT')).answer).toEqual(['note.home.lan. 3600 IN TXT "hello world" "say \\"hi\\""']);
    expect((await ask('caa.home.lan', 'CAA')).answer).toEqual(['caa.home.lan. 3600 IN CAA 0 issue "letsencrypt.org"']);
    expect((await ask('-x', '192.168.1.10')).answer).toEqual(['10.1.168.192.in-addr.arpa. 3600 IN PTR nas.home.lan.']);
    expect((await ask('svc.home.lan', 'TYPE65')).answer).toEqual(['svc.home.lan. 3600 IN HTTPS 1 .']);
  });

  it('refers names below a delegation to its name servers, with glue', async () => {
    const answer = await ask('host.lab.home.lan', 'A', '+norec');
    expect(answer.status).toBe('NOERROR');
    expect(answer.flags).not.toContain('aa');
    expect(answer.answer).toEqual([]);
    expect(answer.authority).toEqual(['lab.home.lan. 3600 IN NS ns.lab.home.lan.']);
    expect(answer.additional).toContain('ns.lab.home.lan. 3600 IN A 192.168.1.60');
  });

  it('answers ANY with a single RRset (RFC 8482)', async () => {
    const answer = await ask('nas.home.lan', 'ANY');
    expect(answer.status).toBe('NOERROR');
    expect(answer.answer).toHaveLength(1);
  });

  it('refuses names outside every zone while no upstream is configured', async () => {
    expect((await ask('example.com', 'A')).status).toBe('REFUSED');
  });

  it('answers with EDNS (OPT, 1232 bytes) only when asked with EDNS', async () => {
    const withEdns = await ask('nas.home.lan', '+edns=0', '+bufsize=4096');
    expect(withEdns.raw).toMatch(/EDNS: version: 0, flags:; udp: 1232/);
    const without = await ask('nas.home.lan', '+noedns');
    expect(without.raw).not.toMatch(/OPT PSEUDOSECTION/);
  });

  it('truncates an answer too big for UDP and gives it whole over TCP', async () => {
    const truncated = await ask('big.home.lan', 'TXT', '+noedns', '+ignore');
    expect(truncated.flags).toContain('tc');
    expect(truncated.answer).toEqual([]);
    const retried = await ask('big.home.lan', 'TXT', '+noedns');
    expect(retried.answer).toHaveLength(31);
    const overTcp = await kdig(hearth.port, ['+tcp', 'big.home.lan', 'TXT']);
    expect(overTcp.answer).toHaveLength(31);
  });

  it('answers kdig over UDP and TCP, with and without EDNS', async () => {
    for (const args of [['+notcp'], ['+tcp'], ['+noedns'], ['+edns']]) {
      const answer = await kdig(hearth.port, ['nas.home.lan', 'A', ...args]);
      expect(answer.status).toBe('NOERROR');
      expect(answer.answer).toEqual(['nas.home.lan. 3600 IN A 192.168.1.10']);
    }
  });

  it('answers a truncated UDP answer in full when kdig retries over TCP', async () => {
    const answer = await kdig(hearth.port, ['big.home.lan', 'TXT', '+noedns']);
    expect(answer.answer).toHaveLength(31);
  });
});

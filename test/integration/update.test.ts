// RFC 2136 updates sent to a running hearth with BIND's own client,
// nsupdate, signed with TSIG; every change checked with dig, and again
// after a restart.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, dig, hasTool, restartHearth, startHearth, type Running } from './harness.ts';

const SECRET = 'c2VjcmV0LWtleS1mb3ItaGVhcnRoLXRlc3RzLTMyYnk=';
const OTHER_SECRET = 'b3RoZXItc2VjcmV0LWZvci1oZWFydGgtdGVzdHMtMzI=';

const CONFIG = `
dns:
  listen: ["127.0.0.1:PORT"]
  zones_dir: zones
dns_update:
  keys:
    - { name: ddns-key, algorithm: hmac-sha256, secret: "${SECRET}", zones: [home.lan] }
    - { name: guest-key, algorithm: hmac-sha512, secret: "${OTHER_SECRET}", zones: [guest.lan] }
`;

const ZONES = {
  'zones/home.lan.zone': `$TTL 300
@ IN SOA ns hostmaster ( 100 1h 15m 7d 60 )
@ NS ns
ns A 192.168.1.53
nas A 192.168.1.10
printer A 192.168.1.20
printer TXT "office"
notes TXT "${'a'.repeat(200)}" "${'b'.repeat(200)}"
`,
  'zones/guest.lan.zone': `$TTL 300
@ IN SOA ns.home.lan. hostmaster.home.lan. ( 1 1h 15m 7d 60 )
@ NS ns.home.lan.
`,
};

interface Outcome {
  readonly code: number;
  readonly output: string;
}

/** Runs nsupdate with `commands` (server and send lines are added). With a
 *  clock offset, Knot's knsupdate runs under faketime instead (libfaketime
 *  cannot start BIND's nsupdate). */
function nsupdate(port: number, key: string, commands: string[], options: { tcp?: boolean; clockOffset?: string } = {}): Promise<Outcome> {
  const args = [...(options.tcp ? ['-v'] : []), '-t', '5', '-y', key];
  const [command, argv] = options.clockOffset ? ['faketime', ['-f', options.clockOffset, 'knsupdate', ...args]] : ['nsupdate', args];
  const script = [`server 127.0.0.1 ${port}`, ...commands, 'send', ''].join('\n');
  return new Promise((done) => {
    const child = execFile(command, argv, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr }),
    );
    child.stdin!.end(script);
  });
}

const KEY = `hmac-sha256:ddns-key:${SECRET}`;

describeWith(['nsupdate', 'dig'])('RFC 2136 updates with nsupdate', () => {
  let hearth: Running;
  const ask = async (name: string, type: string) => (await dig(hearth.port, ['+norec', name, type])).answer;

  beforeAll(async () => {
    hearth = await startHearth(CONFIG, ZONES);
  });
  afterAll(async () => {
    await hearth.stop();
  });

  it('adds a record that dig then sees, and bumps the serial', async () => {
    expect(await nsupdate(hearth.port, KEY, ['update add laptop.home.lan 120 A 192.168.1.50'])).toMatchObject({ code: 0 });
    expect(await ask('laptop.home.lan', 'A')).toEqual(['laptop.home.lan. 120 IN A 192.168.1.50']);
    expect((await ask('home.lan', 'SOA'))[0]).toMatch(/ 101 3600 900 604800 60$/);
  });

  it('replaces an RRset over TCP', async () => {
    const replaced = await nsupdate(hearth.port, KEY, ['update delete nas.home.lan A', 'update add nas.home.lan 300 A 192.168.1.11'], { tcp: true });
    expect(replaced.code).toBe(0);
    expect(await ask('nas.home.lan', 'A')).toEqual(['nas.home.lan. 300 IN A 192.168.1.11']);
  });

  it('deletes an RRset, then a whole name', async () => {
    expect((await nsupdate(hearth.port, KEY, ['update delete printer.home.lan TXT'])).code).toBe(0);
    expect(await ask('printer.home.lan', 'TXT')).toEqual([]);
    expect((await nsupdate(hearth.port, KEY, ['update delete printer.home.lan'])).code).toBe(0);
    expect((await dig(hearth.port, ['+norec', 'printer.home.lan', 'A'])).status).toBe('NXDOMAIN');
  });

  it('answers prerequisites that fail with the rcode of RFC 2136 §3.2', async () => {
    const cases: [string, string][] = [
      ['prereq nxdomain nas.home.lan', 'YXDOMAIN'],
      ['prereq yxdomain ghost.home.lan', 'NXDOMAIN'],
      ['prereq yxrrset nas.home.lan AAAA', 'NXRRSET'],
      ['prereq nxrrset nas.home.lan A', 'YXRRSET'],
      ['prereq yxrrset nas.home.lan A 192.168.1.99', 'NXRRSET'],
    ];
    for (const [prereq, rcode] of cases) {
      const outcome = await nsupdate(hearth.port, KEY, [prereq, 'update add never.home.lan 60 A 192.168.1.99']);
      expect(outcome.code).not.toBe(0);
      expect(outcome.output).toContain(rcode);
    }
    expect((await dig(hearth.port, ['+norec', 'never.home.lan', 'A'])).status).toBe('NXDOMAIN');
  });

  it('refuses an unknown key (BADKEY), a wrong secret (BADSIG) and an unsigned update', async () => {
    const badKey = await nsupdate(hearth.port, `hmac-sha256:nobody:${SECRET}`, ['update add x.home.lan 60 A 192.168.1.98']);
    expect(badKey.output).toMatch(/BADKEY/);
    const badSig = await nsupdate(hearth.port, `hmac-sha256:ddns-key:${OTHER_SECRET}`, ['update add x.home.lan 60 A 192.168.1.98']);
    expect(badSig.output).toMatch(/BADSIG/);
    const unsigned = await new Promise<Outcome>((done) => {
      const child = execFile('nsupdate', ['-t', '5'], (error, stdout, stderr) => done({ code: error ? 1 : 0, output: stdout + stderr }));
      child.stdin!.end(`server 127.0.0.1 ${hearth.port}\nupdate add x.home.lan 60 A 192.168.1.98\nsend\n`);
    });
    expect(unsigned.output).toContain('REFUSED');
    expect((await dig(hearth.port, ['+norec', 'x.home.lan', 'A'])).status).toBe('NXDOMAIN');
  });

  it.skipIf(!hasTool('faketime') || !hasTool('knsupdate'))('refuses an update signed by a clock 10 minutes off (BADTIME)', async () => {
    const late = await nsupdate(hearth.port, KEY, ['zone home.lan', 'update add late.home.lan 60 A 192.168.1.97'], { clockOffset: '+10m' });
    expect(late.output).toMatch(/BADTIME/);
    expect((await dig(hearth.port, ['+norec', 'late.home.lan', 'A'])).status).toBe('NXDOMAIN');
  });

  it('refuses a key in a zone it may not change, and a zone hearth does not serve', async () => {
    const guestKey = `hmac-sha512:guest-key:${OTHER_SECRET}`;
    const elsewhere = await nsupdate(hearth.port, guestKey, ['zone home.lan', 'update add g.home.lan 60 A 192.168.1.96']);
    expect(elsewhere.output).toContain('REFUSED');
    expect((await nsupdate(hearth.port, guestKey, ['update add tv.guest.lan 60 A 192.168.50.5'])).code).toBe(0);
    const foreign = await nsupdate(hearth.port, KEY, ['zone example.com', 'update add a.example.com 60 A 192.0.2.1']);
    expect(foreign.output).toContain('NOTAUTH');
  });

  it('signs its answer to a signed query, and truncates it so that it fits 512 bytes with the signature', async () => {
    const reply = await dig(hearth.port, ['+norec', '+noedns', '+ignore', '-y', KEY, 'notes.home.lan', 'TXT']);
    // Unsigned the answer is 444 bytes; its TSIG would take it past 512.
    expect(reply.flags).toContain('tc');
    expect(Number(/MSG SIZE\s+rcvd: (\d+)/.exec(reply.raw)?.[1])).toBeLessThanOrEqual(512);
    expect(reply.raw).toMatch(/TSIG PSEUDOSECTION:\n\S+\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 32 \S+ \d+ NOERROR 0/);
    expect(reply.raw).not.toMatch(/verify|failure/i);
    const whole = await dig(hearth.port, ['+norec', '+noedns', '-y', KEY, 'notes.home.lan', 'TXT']);
    expect(whole.answer).toHaveLength(1);
    expect(whole.raw).not.toMatch(/verify|failure/i);
  });

  it('keeps every accepted change after a restart', async () => {
    await hearth.stop();
    hearth = await restartHearth(hearth);
    expect(await ask('laptop.home.lan', 'A')).toEqual(['laptop.home.lan. 120 IN A 192.168.1.50']);
    expect(await ask('nas.home.lan', 'A')).toEqual(['nas.home.lan. 300 IN A 192.168.1.11']);
    expect((await dig(hearth.port, ['+norec', 'printer.home.lan', 'A'])).status).toBe('NXDOMAIN');
    expect(await ask('tv.guest.lan', 'A')).toEqual(['tv.guest.lan. 60 IN A 192.168.50.5']);
  }, 30_000);
});

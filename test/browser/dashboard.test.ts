// The dashboard in a real browser (Debian's chromium, driven by
// playwright-core) against a real hearth: sign in, find dig's queries in the
// live query log, block a name from its row until dig gets NXDOMAIN, make a
// DHCP lease static, edit a record until dig answers it, sign out. Along the
// way: no console error, no request to another host, no sideways scroll at
// phone width; and a screenshot of every page at phone and desktop width
// into docs/screenshots (the README shows them).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseStore } from '../../src/dhcp/leases.ts';
import { createLogger } from '../../src/observe/log.ts';
import { reply, startFakeDns, type FakeDns } from '../support/fake-dns.ts';
import { dig, freePort, hasTool, ROOT, startHearth, tempDir, type Running } from '../integration/harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789';
const SHOTS = join(ROOT, 'docs/screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };
const PAGES = ['overview', 'querylog', 'blocklists', 'dns', 'dhcp', 'ddns', 'pair', 'settings'];

const ZONE = `$TTL 1h
@    IN SOA ns.home.lan. hostmaster.home.lan. ( 1 1h 15m 7d 5m )
     IN NS  ns
ns   IN A   192.168.1.53
nas  IN A   192.168.1.10
tv   IN A   192.168.1.40
`;

/** GET /ha of a master with its standby, in the shape the failover work reports. */
const PAIR = {
  enabled: true,
  node_id: 'pi-a',
  state: 'master',
  priority: { configured: 150, effective: 150 },
  impaired: null,
  demoted: false,
  vip: { address: '192.168.1.53', held: true },
  peers: [{ address: '192.168.1.3:5399', node_id: 'pi-b', state: 'backup', priority: 100, impaired: false, age_ms: 150 }],
  transitions: [
    { at: new Date(Date.now() - 60_000).toISOString(), from: 'backup', to: 'master', reason: 'peer silent for 812 ms' },
    { at: new Date(Date.now() - 3_600_000).toISOString(), from: 'init', to: 'backup', reason: 'start' },
  ],
  adverts: { sent: 14_400, received: 14_380, rejected: { bad_mac: 2, replay: 0 }, last_rejection: null },
  sync: {
    connected: true,
    config: { version: 12, hash: 'c0ffee', inSync: true, conflictFiles: [] },
    leases: { stale: false, replicated: 31 },
    clockSkew: { offsetMs: 4, roundTripMs: 1 },
  },
};

/** A lease the house's phone holds, as the DHCP server would have stored it. */
function seedLease(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const store = new LeaseStore(dataDir, createLogger('silent'));
  const expires = Date.now() + 6 * 3600_000;
  store.put({ address: '192.168.1.150', client: '0102000000aabbcc', mac: '02:00:00:aa:bb:cc', clientId: undefined, hostname: 'phone.home.lan', expires });
  store.close();
}

const missing = [...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (apt-get install chromium)`]), ...(hasTool('dig') ? [] : ['dig (bind9-dnsutils)'])];
const describeBrowser =
  missing.length === 0
    ? describe
    : (title: string, body: () => void) => describe.skip(`${title} [skipped: ${missing.join(', ')} not installed; .ci/run installs it]`, body);

describeBrowser('the dashboard in chromium', () => {
  let hearth: Running;
  let upstream: FakeDns;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const consoleErrors: string[] = [];
  const foreign: string[] = [];

  beforeAll(async () => {
    const dataDir = join(tempDir(), 'data');
    seedLease(dataDir);
    // The house's upstream: answers every name with one address.
    upstream = await startFakeDns((query) => reply(query, ['192.0.2.80']));
    const apiPort = await freePort();
    origin = `http://127.0.0.1:${apiPort}`;
    hearth = await startHearth(
      `data_dir: ${dataDir}
dns:
  listen: ["127.0.0.1:PORT"]
  upstreams: { servers: ["udp://127.0.0.1:${upstream.port}"] }
  blocking: { lists: ["blocklists/default.txt"] }
dhcp: { enabled: true, interface: lo, port: ${await freePort()}, subnet: 192.168.1.0/24, range: ["192.168.1.100", "192.168.1.199"], domain: home.lan }
api: { listen: "127.0.0.1:${apiPort}", token_file: api.token }
`,
      { 'zones/home.lan.zone': ZONE, 'api.token': `${TOKEN}\n`, 'blocklists/default.txt': readFileSync(join(ROOT, 'blocklists/default.txt'), 'utf8') },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: DESKTOP });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(`${origin}/`)) foreign.push(request.url());
    });
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
    await upstream?.stop();
  });

  const dnsPort = () => hearth.port;

  it('refuses a wrong token, then signs in with the right one', async () => {
    await page.goto(`${origin}/`);
    const token = page.getByLabel('API token');
    await token.fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the API token');
    await expect.poll(() => consoleErrors.length).toBe(1);
    expect(consoleErrors.splice(0)).toEqual([expect.stringContaining('401 (Unauthorized)')]);
    await shoot(page, 'signin');
    await token.fill(TOKEN);
    await token.press('Enter'); // the keyboard alone signs in
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'hearth_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it("shows dig's queries in the live query log, and blocks one from its row until dig gets NXDOMAIN", async () => {
    await page.goto(`${origin}/#/querylog`);
    await page.getByRole('heading', { name: 'Query log' }).waitFor();
    expect((await dig(dnsPort(), ['nas.home.lan', 'A'])).answer.join()).toContain('192.168.1.10');
    expect((await dig(dnsPort(), ['doubleclick.net', 'A'])).status).toBe('NXDOMAIN');
    expect((await dig(dnsPort(), ['homework.example', 'A'])).answer.join()).toContain('192.0.2.80');
    // No reload: the page follows the log by itself.
    const row = page.locator('li[data-name="homework.example"]').first();
    await row.waitFor();
    await page.locator('li[data-name="nas.home.lan"]').first().waitFor();
    expect(await page.locator('li[data-name="doubleclick.net"]').first().textContent()).toMatch(/blocked by .*default\.txt line \d+/);
    await row.getByRole('button', { name: 'Block homework.example' }).click();
    await expect.poll(async () => (await dig(dnsPort(), ['homework.example', 'A'])).status, { timeout: 5000 }).toBe('NXDOMAIN');
  });

  it('shows the day on the overview: the blocked share, top names, and the upstream up with its latency', async () => {
    await page.goto(`${origin}/#/overview`);
    const upstreams = page.locator('section', { has: page.getByRole('heading', { name: 'Upstreams' }) });
    await upstreams.getByText('✓ up').waitFor();
    expect(await upstreams.textContent()).toMatch(/[\d.]+ ms now · \d+ answers in 24 h/);
    expect(await page.locator('section', { has: page.getByRole('heading', { name: 'Top blocked' }) }).textContent()).toContain('doubleclick.net');
  });

  it('makes a DHCP lease static in one click', async () => {
    await page.goto(`${origin}/#/dhcp`);
    await page.getByRole('button', { name: 'Make 192.168.1.150 static' }).click();
    await page.locator('li[data-address="192.168.1.150"]').getByText('✓ static').waitFor();
    const statics = await page.evaluate(() => fetch('/dhcp/static').then((r) => r.json()));
    expect(statics).toEqual({ static_leases: [{ mac: '02:00:00:aa:bb:cc', ip: '192.168.1.150', hostname: 'phone' }] });
  });

  it('edits a record, and dig answers with the new data', async () => {
    await page.goto(`${origin}/#/dns`);
    await page.getByRole('button', { name: 'Edit tv.home.lan A 192.168.1.40' }).click();
    await page.getByLabel('Data', { exact: true }).first().fill('192.168.1.41');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-record="tv.home.lan A 192.168.1.41"]').waitFor();
    expect((await dig(dnsPort(), ['tv.home.lan', 'A'])).answer).toEqual([expect.stringMatching(/^tv\.home\.lan\. \d+ IN A 192\.168\.1\.41$/)]);
  });

  it('shows every page at phone width without sideways scrolling, and at desktop width, every control labelled', async () => {
    for (const [size, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      await page.setViewportSize(viewport);
      for (const path of PAGES) {
        // A new document each time (a changed #fragment alone is no load), so networkidle waits for the page's data.
        await page.goto(`${origin}/#/${path}`);
        await page.reload({ waitUntil: 'networkidle' });
        await page.locator('main h2').waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} at ${viewport.width} px`).toBeLessThanOrEqual(0);
        const unlabelled = await page.$$eval('input, select, textarea, button', (controls) =>
          controls
            .filter((control) => !(control as HTMLInputElement).labels?.length && !control.getAttribute('aria-label') && !control.textContent?.trim())
            .map((control) => control.outerHTML),
        );
        expect(unlabelled, `controls without a label on ${path}`).toEqual([]);
        await shoot(page, `${path}-${size}`);
      }
    }
    await page.setViewportSize(DESKTOP);
  }, 120_000);

  it("shows the server's validation error next to the settings field it is about", async () => {
    await page.goto(`${origin}/#/settings`);
    const before = consoleErrors.length;
    await page.getByLabel(/^Servers/).fill('udp://127.0.0.1:53\nbogus://upstream');
    await page.getByRole('button', { name: 'Save' }).click();
    const error = page.locator('#servers-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/bogus/);
    expect(await page.getByLabel(/^Servers/).getAttribute('aria-describedby')).toBe('servers-error');
    await page.getByRole('button', { name: 'Undo changes' }).click();
    // The browser logs the 400 it was meant to get; only that one.
    await expect.poll(() => consoleErrors.length).toBeGreaterThan(before);
    expect(consoleErrors.splice(before)).toEqual([expect.stringContaining('400 (Bad Request)')]);
  });

  it('says failover is off on the Pair page', async () => {
    await page.goto(`${origin}/#/pair`);
    await page.getByText('Failover is off').waitFor();
  });

  it('shows both nodes of a pair once GET /ha reports one, and demotes on request', async () => {
    // The failover work fills GET /ha in; until it lands here, the browser gets its answer from the test.
    const actions: string[] = [];
    await page.route(`${origin}/ha`, (route) => route.fulfill({ json: PAIR }));
    await page.route(`${origin}/ha/*`, (route) => {
      const request = route.request();
      actions.push(`${request.method()} ${new URL(request.url()).pathname} ${request.headers()['x-hearth-csrf'] ? 'with' : 'without'} csrf`);
      return route.fulfill({ json: { state: 'backup' } });
    });
    for (const [size, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.goto(`${origin}/#/pair`);
      await page.reload({ waitUntil: 'networkidle' });
      await page.getByRole('heading', { name: /This node/ }).waitFor();
      expect(await page.locator('main').textContent()).toMatch(/pi-b.*150 ms ago/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await shoot(page, `pair-enabled-${size}`);
    }
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Demote this node' }).click();
    await expect.poll(() => actions).toEqual(['POST /ha/demote with csrf']);
    await page.unrouteAll();
  });

  it('signs out: the cookie no longer opens the API', async () => {
    await page.goto(`${origin}/#/overview`);
    await page.reload({ waitUntil: 'networkidle' }); // no request of the page still on its way
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    const before = consoleErrors.length;
    expect(await page.evaluate(() => fetch('/stats').then((r) => r.status))).toBe(401);
    await expect.poll(() => consoleErrors.length).toBeGreaterThan(before);
    expect(consoleErrors.splice(before)).toEqual([expect.stringContaining('401 (Unauthorized)')]);
  });

  it('made no console error and no request to another host', () => {
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });
});

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

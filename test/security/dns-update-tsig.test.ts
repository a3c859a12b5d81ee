// RFC 2136 UPDATEs over TSIG (RFC 8945): a captured update cannot be applied
// again (a replay gets the first answer, and changes nothing), a signer cannot
// widen its time window past 300 s with a large Fudge, and a flood of
// unsigned or badly signed UPDATEs writes one warning a minute, not one each.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rcode } from '../../src/dns/message.ts';
import { nameToWire } from '../../src/dns/name.ts';
import type { Client } from '../../src/dns/pipeline.ts';
import { RRClass, RRType } from '../../src/dns/record.ts';
import type { TsigKey } from '../../src/dns/tsig/key.ts';
import { u16 } from '../../src/dns/tsig/record.ts';
import { signMessage } from '../../src/dns/tsig/sign.ts';
import { UpdateHandler } from '../../src/dns/update/handler.ts';
import { ZoneJournal } from '../../src/dns/update/journal.ts';
import { ZoneUpdater } from '../../src/dns/update/updater.ts';
import { Zone } from '../../src/dns/zones/zone.ts';
import { parseZoneFile } from '../../src/dns/zones/zonefile.ts';
import { ZoneSet } from '../../src/dns/zones/zoneset.ts';
import { capturingLogger } from '../support/dhcp-server.ts';

const KEY: TsigKey = { name: 'ddns-key', algorithm: 'hmac-sha256', secret: new TextEncoder().encode('a shared secret of 32 bytes.....') };
const CLIENT: Client = { address: '192.168.1.50', port: 5300, transport: 'udp' };
const START = 1_750_000_000;

/** An UPDATE of home.lan: add (class IN) or delete (class NONE) cam.home.lan A 192.168.1.99. */
function update(id: number, klass: number): Uint8Array {
  const rr = Buffer.concat([
    nameToWire('cam.home.lan'),
    u16(RRType.A),
    u16(klass),
    Buffer.from(klass === RRClass.IN ? [0, 0, 1, 44] : [0, 0, 0, 0]),
    u16(4),
    Buffer.from([192, 168, 1, 99]),
  ]);
  return Buffer.concat([Buffer.from([id >> 8, id & 0xff, 0x28, 0, 0, 1, 0, 0, 0, 1, 0, 0]), nameToWire('home.lan'), u16(RRType.SOA), u16(RRClass.IN), rr]);
}

function setup() {
  const { log, lines } = capturingLogger('warn');
  const parsed = parseZoneFile('$TTL 300\n@ IN SOA ns hostmaster ( 1 1h 15m 7d 60 )\n@ NS ns\nns A 192.168.1.53\n', {
    file: 'home.lan.zone',
    origin: 'home.lan',
  });
  const zones = new ZoneSet('zones');
  zones.load([Zone.build('home.lan', parsed.records) as Zone]);
  let now = START;
  const handler = new UpdateHandler({
    updater: new ZoneUpdater(new ZoneJournal(mkdtempSync(join(tmpdir(), 'hearth-tsig-'))), log),
    zonesFor: () => zones,
    policy: () => ({ findKey: (name) => (name === KEY.name ? KEY : undefined), mayUpdate: () => true }),
    now: () => now,
    log,
  });
  const hasCam = () => zones.get('home.lan')!.lookup('cam.home.lan', RRType.A).kind === 'answer';
  return {
    handler,
    lines,
    hasCam,
    tick: (seconds: number) => {
      now += seconds;
    },
  };
}

const rcodeOf = (reply: Uint8Array) => reply[3]! & 0xf;

describe('TSIG-signed UPDATEs', () => {
  it('are applied once: a replay within the window gets the first answer and changes nothing', () => {
    const { handler, hasCam, tick } = setup();
    const add = signMessage(update(1, RRClass.IN), KEY, { now: START }).message;
    const first = handler.update(add, CLIENT);
    expect(rcodeOf(first)).toBe(Rcode.NOERROR);
    expect(hasCam()).toBe(true);
    tick(10);
    expect(rcodeOf(handler.update(signMessage(update(2, RRClass.NONE), KEY, { now: START + 10 }).message, CLIENT))).toBe(Rcode.NOERROR);
    expect(hasCam()).toBe(false);
    tick(10);
    expect(handler.update(add, CLIENT)).toEqual(first);
    expect(hasCam()).toBe(false);
  });

  it('are refused once older than 300 s, whatever Fudge the signer wrote', () => {
    const { handler, hasCam, tick } = setup();
    const add = signMessage(update(3, RRClass.IN), KEY, { now: START, fudge: 65535 }).message;
    tick(3600);
    expect(rcodeOf(handler.update(add, CLIENT))).toBe(Rcode.NOTAUTH);
    expect(hasCam()).toBe(false);
  });

  it('refused by the thousand write one warning a minute, saying how many were left out', () => {
    const { handler, lines, tick } = setup();
    const forged = signMessage(update(4, RRClass.IN), { ...KEY, secret: new TextEncoder().encode('not the secret') }, { now: START }).message;
    for (let i = 0; i < 1000; i++) {
      handler.update(update(5, RRClass.IN), CLIENT);
      handler.update(forged, CLIENT);
    }
    expect(lines).toHaveLength(2);
    tick(61);
    handler.update(update(5, RRClass.IN), CLIENT);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/"suppressed":999/);
  });
});

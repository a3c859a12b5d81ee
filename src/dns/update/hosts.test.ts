import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../values/cidr.ts';
import { createLogger } from '../../observe/log.ts';
import { nameFromWire } from '../name.ts';
import { RRType } from '../record.ts';
import { hostZones } from '../zones/generated.ts';
import { Zone } from '../zones/zone.ts';
import { parseZoneFile } from '../zones/zonefile.ts';
import { ZoneSet } from '../zones/zoneset.ts';
import { ZoneHostRegistry } from './hosts.ts';
import { ZoneJournal } from './journal.ts';
import { ZoneUpdater } from './updater.ts';

function registry(zoneFiles?: Record<string, string>) {
  const log = createLogger('silent');
  const zones = new ZoneSet('zones');
  zones.load(zoneFiles ? Object.entries(zoneFiles).map(([origin, text]) => fileZone(origin, text)) : hostZones('home.lan', parseCidr('192.168.1.0/24')!));
  const hosts = new ZoneHostRegistry(new ZoneUpdater(new ZoneJournal(mkdtempSync(join(tmpdir(), 'hearth-hosts-'))), log), () => zones, log);
  const lookup = (name: string, type: number) => zones.find(name)!.lookup(name, type);
  return { hosts, lookup, zones };
}

function fileZone(origin: string, text: string): Zone {
  const parsed = parseZoneFile(`$TTL 300\n@ SOA ns.home.lan. hostmaster.home.lan. 1 1h 15m 7d 60\n@ NS ns.home.lan.\n${text}`, {
    file: `${origin}.zone`,
    origin,
  });
  return Zone.build(origin, parsed.records) as Zone;
}

describe('DHCP host names in the local zones', () => {
  it('registers a forward A and a reverse PTR, and removes both', () => {
    const { hosts, lookup } = registry();
    expect(hosts.register('laptop.home.lan', '192.168.1.50')).toBe(true);
    expect(lookup('laptop.home.lan', RRType.A)).toMatchObject({ kind: 'answer', records: [{ rdata: Uint8Array.of(192, 168, 1, 50) }] });
    const ptr = lookup('50.1.168.192.in-addr.arpa', RRType.PTR);
    expect(ptr.kind === 'answer' && nameFromWire(ptr.records[0]!.rdata).name).toBe('laptop.home.lan');
    hosts.unregister('laptop.home.lan', '192.168.1.50');
    expect(lookup('laptop.home.lan', RRType.A).kind).toBe('nxdomain');
    expect(lookup('50.1.168.192.in-addr.arpa', RRType.PTR).kind).toBe('nxdomain');
  });

  it('does not let a second client take a name another client holds', () => {
    const { hosts, lookup } = registry();
    expect(hosts.register('laptop.home.lan', '192.168.1.50')).toBe(true);
    expect(hosts.register('laptop.home.lan', '192.168.1.51')).toBe(false);
    expect(hosts.register('laptop.home.lan', '192.168.1.50')).toBe(true);
    expect(lookup('laptop.home.lan', RRType.A)).toMatchObject({ records: [{ rdata: Uint8Array.of(192, 168, 1, 50) }] });
  });

  it('changes nothing, not even the serial, when a name is registered again as it stands', () => {
    const { hosts, zones } = registry();
    hosts.register('laptop.home.lan', '192.168.1.50');
    const forward = zones.find('home.lan');
    const reverse = zones.find('1.168.192.in-addr.arpa');
    expect(hosts.register('laptop.home.lan', '192.168.1.50')).toBe(true);
    expect(zones.find('home.lan')).toBe(forward);
    expect(zones.find('1.168.192.in-addr.arpa')).toBe(reverse);
  });

  it("uses a zone file's host of the same address, and leaves the file's records there when the lease ends", () => {
    const { hosts, lookup } = registry({
      'home.lan': 'nas A 192.168.1.10\nnas AAAA fd00::10\n',
      '1.168.192.in-addr.arpa': '10 PTR nas.home.lan.\n',
    });
    expect(hosts.register('nas.home.lan', '192.168.1.10')).toBe(true);
    hosts.unregister('nas.home.lan', '192.168.1.10');
    expect(lookup('nas.home.lan', RRType.A).kind).toBe('answer');
    expect(lookup('10.1.168.192.in-addr.arpa', RRType.PTR).kind).toBe('answer');
    // The same name for another address stays the file's.
    expect(hosts.register('nas.home.lan', '192.168.1.11')).toBe(false);
    expect(lookup('nas.home.lan', RRType.A)).toMatchObject({ records: [{ rdata: Uint8Array.of(192, 168, 1, 10) }] });
  });

  it('leaves a name outside every local zone alone', () => {
    expect(registry().hosts.register('laptop.example.com', '192.168.1.50')).toBe(false);
  });
});

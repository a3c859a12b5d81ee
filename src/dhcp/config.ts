// The `dhcp:` section of the config file, beside the server it configures.
// The keys of DESIGN.md's contract, plus what a dnsmasq or Kea user expects
// to set: exclusions, authoritative NAKs, NTP, search domains and classless
// routes (RFC 3442), and the port (67; tests on loopback use another).
import { z } from 'zod';
import { cidr, parseCidr } from '../values/cidr.ts';
import { duration } from '../values/duration.ts';
import { ipv4Address, macAddress } from '../values/address.ts';

/** A client identifier (option 61) as hex bytes, separated by ':' or '-' or not at all. */
const clientId = z.string().refine((value) => /^([0-9a-f]{2}[:-]?)+$/i.test(value) && value.replace(/[:-]/g, '').length >= 4, {
  error: 'not a client identifier: write its bytes in hex, e.g. "01:aa:bb:cc:dd:ee:ff"',
});

export const staticLeaseSchema = z
  .strictObject({
    mac: macAddress.optional(),
    client_id: clientId.optional(),
    ip: ipv4Address,
    hostname: z.string().optional(),
  })
  .refine((lease) => lease.mac !== undefined || lease.client_id !== undefined, {
    error: 'a static lease needs a mac or a client_id',
  });

/** One address or an inclusive range "a-b". */
const exclusion = z.string().refine((value) => value.split('-').length <= 2 && value.split('-').every((part) => z.ipv4().safeParse(part.trim()).success), {
  error: 'not an IPv4 address or range "first-last"',
});

export const dhcpSchema = z.strictObject({
  enabled: z.boolean().prefault(false),
  interface: z.string().prefault('eth0'),
  /** Route 255.255.255.255/32 to `interface` at start (needs CAP_NET_ADMIN), so replies to
   *  clients without an address leave by it whatever the default route (broadcast-route.ts). */
  broadcast_route: z.boolean().prefault(false),
  /** The server port; clients are on port + 1 (RFC 2131 §4.1: 67 and 68). */
  port: z.number().int().min(1).max(65534).prefault(67),
  subnet: cidr.prefault('192.168.1.0/24'),
  range: z.tuple([ipv4Address, ipv4Address]).prefault(['192.168.1.100', '192.168.1.199']),
  exclude: z.array(exclusion).prefault([]),
  lease_time: duration.prefault('12h'),
  /** NAK a REQUEST for an address that is wrong for the subnet (RFC 2131 §4.3.2), as dnsmasq's dhcp-authoritative. */
  authoritative: z.boolean().prefault(true),
  router: ipv4Address.optional(),
  /** Empty: the server's own address on the interface. */
  dns_servers: z.array(ipv4Address).prefault([]),
  ntp_servers: z.array(ipv4Address).prefault([]),
  domain: z.string().prefault('home.lan'),
  /** Option 119 (RFC 3397); empty: just `domain`. */
  search: z.array(z.string()).prefault([]),
  /** Option 121 (RFC 3442). */
  routes: z
    .array(
      z.strictObject({
        destination: cidr.refine((value) => parseCidr(value)?.family === 4, { error: 'option 121 carries IPv4 routes only' }),
        gateway: ipv4Address,
      }),
    )
    .prefault([]),
  static_leases: z.array(staticLeaseSchema).prefault([]),
  /** Names no client gets by asking: wpad and isatap (a browser's proxy and an
   *  IPv6 tunnel found by name: classic hijacks), localhost, hearth. This
   *  host's own name and the static leases' names are reserved besides. */
  reserved_names: z.array(z.string().min(1)).prefault(['wpad', 'isatap', 'localhost', 'hearth']),
});

export type DhcpConfig = z.output<typeof dhcpSchema>;
export type StaticLeaseConfig = DhcpConfig['static_leases'][number];

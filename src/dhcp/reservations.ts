// Static leases: a fixed address (and name) for a client known by its MAC
// or its client identifier. Their addresses are never handed out dynamically
// and may lie outside the range, but must lie in the subnet.
import type { Logger } from '../observe/log.ts';
import { normalizeClientId, normalizeMac, type Client } from './client.ts';
import type { StaticLeaseConfig } from './config.ts';
import { hostLabel } from './hostname.ts';
import type { Subnet } from './subnet.ts';

export interface Reservation {
  readonly address: string;
  /** The label the static lease names, sanitized; it wins over the client's own. */
  readonly hostname: string | undefined;
}

export class Reservations {
  private readonly byMac = new Map<string, Reservation>();
  private readonly byClientId = new Map<string, Reservation>();
  readonly addresses = new Set<string>();
  /** The static leases' names. */
  readonly hostnames = new Set<string>();

  /** Static leases outside `subnet`, or repeating an address, are logged and left out. */
  constructor(leases: readonly StaticLeaseConfig[], subnet: Subnet, log: Logger) {
    for (const lease of leases) {
      if (!subnet.isHostAddress(lease.ip)) {
        log.warn({ ip: lease.ip, mac: lease.mac, client_id: lease.client_id }, 'static lease outside the DHCP subnet: ignored');
        continue;
      }
      if (this.addresses.has(lease.ip)) {
        log.warn({ ip: lease.ip }, 'two static leases for one address: the first one counts');
        continue;
      }
      const reservation: Reservation = { address: lease.ip, hostname: lease.hostname === undefined ? undefined : hostLabel(lease.hostname) };
      this.addresses.add(lease.ip);
      if (reservation.hostname !== undefined) this.hostnames.add(reservation.hostname);
      if (lease.client_id !== undefined) this.byClientId.set(normalizeClientId(lease.client_id), reservation);
      if (lease.mac !== undefined) this.byMac.set(normalizeMac(lease.mac), reservation);
    }
  }

  /** The client's reservation: by client identifier first, then by MAC. */
  of(client: Pick<Client, 'mac' | 'clientId'>): Reservation | undefined {
    return (client.clientId === undefined ? undefined : this.byClientId.get(client.clientId)) ?? this.byMac.get(client.mac);
  }
}

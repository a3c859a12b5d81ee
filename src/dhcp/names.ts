// The seam between the DHCP server and the DNS side: the server decides which
// name a client gets, the registry puts it into hearth's zones. Kept as an
// interface so the DHCP code needs no zone machinery (and tests use a map).
import type { Name } from '../dns/record.ts';

/** Where DHCP clients' names go: A and PTR records in hearth's local zones, through the same update path as RFC 2136. */
export interface HostRegistry {
  /** Points `fqdn` A at `address` and the PTR of `address` at `fqdn`, durably.
   *  False when the name already exists with other data (a zone file's
   *  record, or another client's), so it is not stolen. */
  register(fqdn: Name, address: string): boolean;
  /** Removes what register added (only if it still points at `address`). */
  unregister(fqdn: Name, address: string): void;
}

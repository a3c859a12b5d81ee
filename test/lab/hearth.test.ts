// hearth as the LAN's DHCP server, with real dhclient and udhcpc clients in
// the lab: the same tests dnsmasq passes (dnsmasq.test.ts).
import { startHearth } from './hearth.ts';
import { dhcpServerTests } from './dhcp-suite.ts';

dhcpServerTests('hearth', startHearth, []);

// The lab's self-test: dnsmasq passes every lab test a home's DHCP server
// must pass, so a failure of hearth's is hearth's, not the lab's.
import { startDnsmasq } from './dnsmasq.ts';
import { dhcpServerTests } from './dhcp-suite.ts';

dhcpServerTests('dnsmasq', startDnsmasq, ['dnsmasq']);

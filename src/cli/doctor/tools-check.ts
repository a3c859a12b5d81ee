// The tools hearth runs: `ip` (iproute2) for the VIP and the broadcast
// route, `arping` (iputils-arping) for gratuitous ARP.
import { fail, ok, type DoctorCheck, type Finding } from './finding.ts';
import { findTool } from './command.ts';

const PACKAGES = { ip: 'iproute2', arping: 'iputils-arping' } as const;

export const toolsCheck: DoctorCheck = async ({ config }) => {
  const needed: (keyof typeof PACKAGES)[] = [];
  if (config.ha.enabled || (config.dhcp.enabled && config.dhcp.broadcast_route)) needed.push('ip');
  if (config.ha.enabled) needed.push('arping');
  return needed.map((tool): Finding => {
    const path = findTool(tool);
    return path ? ok(`${tool} is installed (${path})`) : fail(`${tool} is not installed`, `apt-get install ${PACKAGES[tool]}`);
  });
};

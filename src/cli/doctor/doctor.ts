// `hearth doctor [-c FILE]`: one line per check of this machine against the
// config, ✓ or ✗ (· for what can't be told here) with a hint under each
// failure; exit 1 when one failed. Written for the person at the Pi's console
// while the house has no internet: each line says what it saw and what to do.
import { loadConfig } from '../../config/load.ts';
import { broadcastCheck } from './broadcast-check.ts';
import { capabilitiesCheck } from './capabilities-check.ts';
import { clockCheck } from './clock-check.ts';
import { clockSkewCheck } from './clock-skew-check.ts';
import { configCheck } from './config-check.ts';
import type { DoctorCheck, Finding, Verdict } from './finding.ts';
import { interfacesCheck } from './interfaces-check.ts';
import { listenCheck } from './listen-check.ts';
import { pairSecretCheck } from './pair-secret-check.ts';
import { peerChannelCheck } from './peer-channel-check.ts';
import { prioritiesCheck } from './priorities-check.ts';
import { toolsCheck } from './tools-check.ts';
import { upstreamsCheck } from './upstreams-check.ts';
import { vipCheck } from './vip-check.ts';

/** After the config's own, in the order a person would fix things: the machine, then the network. */
const CHECKS: readonly DoctorCheck[] = [
  listenCheck,
  capabilitiesCheck,
  interfacesCheck,
  toolsCheck,
  broadcastCheck,
  clockCheck,
  upstreamsCheck,
  pairSecretCheck,
  peerChannelCheck,
  clockSkewCheck,
  prioritiesCheck,
  vipCheck,
];

const MARKS: Record<Verdict, string> = { ok: '✓', fail: '✗', note: '·' };

function format(finding: Finding): string {
  return `${MARKS[finding.verdict]} ${finding.what}${finding.hint ? `\n    → ${finding.hint}` : ''}`;
}

export async function doctor(file: string | undefined, write: (line: string) => void = (line) => console.log(line)): Promise<number> {
  const loaded = loadConfig(file);
  const config = loaded.ok ? loaded.config : loaded.partial;
  let failed = false;
  const report = (finding: Finding): void => {
    failed ||= finding.verdict === 'fail';
    write(format(finding));
  };
  (await configCheck(file)).forEach(report);
  // A config with errors is checked as far as its valid keys go.
  if (config) for (const check of CHECKS) (await check({ file, config })).forEach(report);
  return failed ? 1 : 0;
}

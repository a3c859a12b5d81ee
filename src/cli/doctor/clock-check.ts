// A clock far off breaks TLS to the upstreams, TSIG (±300 s) and the pair's
// adverts. systemd's timedatectl says whether NTP has synchronised it;
// containers and boards without it can't tell, which is a note.
import { fail, note, ok, type DoctorCheck } from './finding.ts';
import { runTool } from './command.ts';

export const clockCheck: DoctorCheck = async () => {
  const result = await runTool('timedatectl', ['show', '--property=NTPSynchronized', '--value']);
  const answer = result.stdout.trim();
  if (result.code === 0 && answer === 'yes') return [ok('the clock is synchronised (NTP)')];
  if (result.code === 0 && answer === 'no') {
    return [fail('the clock is not synchronised', 'check the network and timedatectl timesync-status (a Pi has no battery clock)')];
  }
  return [note(`can't tell whether the clock is synchronised here (${(result.stderr.trim().split('\n')[0] ?? '') || 'no timedatectl'})`)];
};

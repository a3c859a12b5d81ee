// The clock skew to the peer, as the running hearth's sync measured it (one
// NTP-style exchange every 10 s, ha/sync/clock.ts). Skew does not change a
// lease's length, but TSIG, certificates and logs suffer past SKEW_WARN_MS.
import { SKEW_WARN_MS } from '../../ha/sync/clock.ts';
import { fail, note, ok, type DoctorCheck } from './finding.ts';
import { askRunningPair } from './running-pair.ts';

export const clockSkewCheck: DoctorCheck = async ({ config }) => {
  if (!config.ha.enabled || config.ha.peers.length === 0) return [];
  const pair = await askRunningPair(config);
  const skew = 'unknown' in pair ? undefined : pair.sync?.clockSkew;
  if (skew?.offsetMs === undefined) {
    return [
      note(
        `can't tell the clock skew to the peer: ${'unknown' in pair ? pair.unknown : 'the running hearth has not measured it yet (is the sync channel up?)'}`,
      ),
    ];
  }
  const what = `the peer's clock is ${Math.abs(skew.offsetMs)} ms ${skew.offsetMs < 0 ? 'behind' : 'ahead of'} this one's (±${skew.roundTripMs ?? '?'} ms)`;
  if (Math.abs(skew.offsetMs) <= SKEW_WARN_MS) return [ok(what)];
  return [fail(what, 'run timedatectl timesync-status on both nodes: each needs NTP (a Pi has no battery clock)')];
};

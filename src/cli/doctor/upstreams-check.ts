// Each upstream answers a question for the root's NS through its real
// transport (UDP, TCP, DoT, DoH, bootstrap included), within the config's timeout.
import { Rcode } from '../../dns/message.ts';
import { createUpstream } from '../../dns/upstream/create.ts';
import { buildQuery, parseReply } from '../../dns/upstream/message.ts';
import { RRType } from '../../dns/record.ts';
import { fail, note, ok, type DoctorCheck, type Finding } from './finding.ts';

async function ask(url: string, options: { bootstrap: readonly string[]; caFile?: string }, timeoutMs: number): Promise<Finding> {
  const started = performance.now();
  let upstream;
  try {
    upstream = createUpstream(url, options);
    const query = buildQuery({ name: '', type: RRType.NS, dnssecOk: false, checkingDisabled: false });
    const reply = parseReply(await upstream.exchange(query, AbortSignal.timeout(timeoutMs)), `upstream:${url}`);
    const ms = Math.round(performance.now() - started);
    if (reply.rcode === Rcode.NOERROR) return ok(`upstream ${url} answers (${ms} ms)`);
    return fail(`upstream ${url} answers with rcode ${reply.rcode}`, 'it refuses or fails queries: check the URL, or pick another');
  } catch (error) {
    return fail(`upstream ${url} does not answer: ${(error as Error).message.split('\n')[0]}`, 'is the internet up (ping 9.9.9.9)? is the URL right?');
  } finally {
    upstream?.close();
  }
}

export const upstreamsCheck: DoctorCheck = async ({ config }) => {
  const { servers, bootstrap, ca_file: caFile, timeout_ms: timeout } = config.dns.upstreams;
  if (servers.length === 0) return [note('no upstreams: names outside the local zones are refused (dns.upstreams.servers)')];
  const options = { bootstrap, ...(caFile === undefined ? {} : { caFile }) };
  return Promise.all(servers.map((url) => ask(url, options, timeout)));
};

// The pair as the hearth running on this machine sees it (GET /ha): the
// peer's adverts and the sync's clock skew are known only to a running node.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Config } from '../../config/schema.ts';
import { parseListenAddress } from '../../values/listen-address.ts';

const pairView = z.object({
  enabled: z.literal(true),
  priority: z.object({ configured: z.number() }),
  peers: z.array(z.object({ address: z.string(), node_id: z.string(), priority: z.number() })),
  sync: z.looseObject({ clockSkew: z.object({ offsetMs: z.number().optional(), roundTripMs: z.number().optional() }).optional() }).optional(),
});

export type RunningPair = z.infer<typeof pairView>;

const ASK_MS = 2_000;

/** GET /ha from the API this config names; a reason instead when it can't be asked. */
export async function askRunningPair(config: Config): Promise<RunningPair | { readonly unknown: string }> {
  const api = parseListenAddress(config.api.listen, 8053);
  if (!api) return { unknown: `api.listen ${config.api.listen} is not an address` };
  const host = api.host.includes(':') ? `[${api.host}]` : api.host;
  let token: string;
  try {
    token = readFileSync(config.api.token_file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES') return { unknown: 'the API token can\'t be read (run "sudo hearth doctor")' };
    // hearth makes a loopback API's token when it first starts.
    return { unknown: code === 'ENOENT' ? `no running hearth (no API token ${config.api.token_file} yet)` : `the API token ${config.api.token_file}: ${code}` };
  }
  try {
    const reply = await fetch(`http://${host}:${api.port}/ha`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(ASK_MS) });
    if (!reply.ok) return { unknown: `GET /ha answered ${reply.status}` };
    const parsed = pairView.safeParse(await reply.json());
    return parsed.success ? parsed.data : { unknown: 'the running hearth does not run the pair (ha.enabled is off there)' };
  } catch {
    return { unknown: `no running hearth answers on ${config.api.listen}` };
  }
}

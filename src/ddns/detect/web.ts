// ip.source web: "what is my IP" services over HTTP(S). One answer is never
// trusted alone (a captive portal, a proxy or a broken service answers
// something): an address is taken once two services agree on it. Services
// are asked two at a time, more only while no two answers agree.
//
// node:http(s) rather than fetch: only it lets the connection be pinned to
// one family (the `family` lookup option), and a dual-stack service then
// tells the address of that family.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { globalAddress, type Family } from '../address.ts';
import { USER_AGENT } from '../providers/http.ts';
import type { AddressDetector, Detection } from './detection.ts';

/** An address and a line break fit easily; anything longer is not a bare address. */
const MAX_BODY = 100;
const AGREEING = 2;

export interface WebDetectorOptions {
  readonly urls: Readonly<Record<Family, readonly string[]>>;
  readonly timeoutMs: number;
}

type Answer = { readonly ok: true; readonly address: string } | { readonly ok: false; readonly reason: string };

export class WebDetector implements AddressDetector {
  private readonly options: WebDetectorOptions;

  constructor(options: WebDetectorOptions) {
    this.options = options;
  }

  async detect(family: Family): Promise<Detection> {
    const urls = this.options.urls[family];
    const votes = new Map<string, string[]>();
    const failures: string[] = [];
    let next = 0;
    while (next < urls.length) {
      const mostVotes = Math.max(0, ...[...votes.values()].map((from) => from.length));
      const batch = urls.slice(next, next + AGREEING - mostVotes);
      next += batch.length;
      const answers = await Promise.all(batch.map((url) => this.ask(url, family)));
      answers.forEach((answer, i) => {
        const url = batch[i]!;
        if (!answer.ok) return void failures.push(`${url}: ${answer.reason}`);
        votes.set(answer.address, [...(votes.get(answer.address) ?? []), url]);
      });
      for (const [address, from] of votes) {
        if (from.length >= AGREEING) return { kind: 'found', address, from: from.join(', ') };
      }
    }
    const said = [...votes].map(([address, from]) => `${from.join(', ')} said ${address}`);
    const disagreement = votes.size > 1 ? ['the services disagree'] : votes.size === 1 ? ['no second service confirmed it'] : [];
    return { kind: 'missing', reason: [...disagreement, ...said, ...failures].join('; ') };
  }

  private async ask(url: string, family: Family): Promise<Answer> {
    try {
      const text = await fetchText(url, family, this.options.timeoutMs);
      const address = globalAddress(text.trim(), family);
      if (address) return { ok: true, address };
      return { ok: false, reason: `answered ${JSON.stringify(text.trim().slice(0, 40))}, not a public IPv${family} address` };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }
}

/** GET `url` over a connection of `family`; resolves with the body of a 200 answer. */
function fetchText(url: string, family: Family, timeoutMs: number): Promise<string> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { family, headers: { 'user-agent': USER_AGENT, accept: 'text/plain' }, signal: AbortSignal.timeout(timeoutMs) },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`HTTP ${res.statusCode}`));
        }
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length <= MAX_BODY) return;
          res.destroy();
          reject(new Error(`answered more than ${MAX_BODY} bytes, not a bare address`));
        });
        res.on('end', () => resolve(body));
        res.on('error', reject);
      },
    );
    req.on('error', (error) => reject(error.name === 'TimeoutError' || error.name === 'AbortError' ? new Error(`no answer within ${timeoutMs} ms`) : error));
    req.end();
  });
}

// Writes that reach the standby go to the master, and the standby answers
// with the master's result: an RFC 2136 UPDATE (as §6 update forwarding
// does) and an API request that changes something. When the master cannot
// be reached the standby says so (SERVFAIL; API 503 naming the master); it
// never applies the write itself, which would fork the pair's state.
import { z } from 'zod';
import { Rcode } from '../../dns/message.ts';
import type { SignedResponder } from '../../dns/server.ts';
import { queryError } from '../../dns/update/message.ts';
import type { Logger } from '../../observe/log.ts';
import type { PairRole } from '../role.ts';
import type { PeerLink } from './link.ts';
import { withLocalKeys } from './node-local.ts';
import type { HouseConfig } from './ports.ts';

const FORWARD_TIMEOUT_MS = 5_000;

/** An API request as it travels to the master, and the master's answer, sent back as it is. */
const apiWrite = z.object({ method: z.string(), url: z.string(), headers: z.record(z.string(), z.string()), body: z.string().optional() });
const apiAnswer = z.object({ status: z.number().int(), contentType: z.string().optional(), body: z.string() });
export type ApiWrite = z.infer<typeof apiWrite>;
export type ApiAnswer = z.infer<typeof apiAnswer>;
type Client = Parameters<SignedResponder['update']>[1];
const dnsUpdate = z.object({ message: z.base64(), client: z.object({ address: z.string(), port: z.number().int(), transport: z.enum(['udp', 'tcp']) }) });

/** Thrown when this node is the standby and its master is out of reach (the API answers 503). */
export class MasterUnreachable extends Error {}

export class WriteForwarding {
  private readonly link: PeerLink;
  private readonly role: PairRole;
  private readonly master: string;
  private readonly log: Logger;
  private readonly config: () => HouseConfig;
  private updates: SignedResponder | undefined;
  private api: ((write: ApiWrite) => Promise<ApiAnswer>) | undefined;

  constructor(link: PeerLink, role: PairRole, master: string, config: () => HouseConfig, log: Logger) {
    this.config = config;
    this.link = link;
    this.role = role;
    this.master = master;
    this.log = log;
    link.handle('dns-update', async (body) => {
      const { message, client } = dnsUpdate.parse(body);
      if (!this.updates) throw new Error('this node takes no UPDATEs');
      return Buffer.from(await this.updates.update(new Uint8Array(Buffer.from(message, 'base64')), client)).toString('base64');
    });
    link.handle('api-write', (body) => {
      if (!this.api) throw new Error("this node's API is not running");
      return this.api(this.withOwnKeys(apiWrite.parse(body)));
    });
  }

  /** Whether writes go to the peer: this node is in a pair and not its master. */
  get forwards(): boolean {
    return this.role.state !== 'master';
  }

  /** `inner` answering UPDATEs on the master, forwarding them on the standby. */
  forwardingUpdates(inner: SignedResponder): SignedResponder {
    this.updates = inner;
    return {
      signedQuery: (message, client, answer) => inner.signedQuery(message, client, answer),
      update: (message, client) => (this.forwards ? this.forwardUpdate(message, client) : inner.update(message, client)),
    };
  }

  /** How the master runs a forwarded API request (its own API, token checked as usual). */
  serveApi(run: (write: ApiWrite) => Promise<ApiAnswer>): void {
    this.api = run;
  }

  /** The standby's API hands a write here; throws MasterUnreachable when the master cannot answer. */
  async forwardApi(write: ApiWrite): Promise<ApiAnswer> {
    try {
      return apiAnswer.parse(await this.link.request('api-write', write, FORWARD_TIMEOUT_MS));
    } catch (error) {
      throw new MasterUnreachable(
        `this node is the standby and forwards changes to the master at ${this.master}, which did not answer: ${(error as Error).message}`,
      );
    }
  }

  /** A whole config sent through the standby carries the standby's node-local
   *  keys (its listen addresses, data_dir): the master keeps its own. */
  private withOwnKeys(write: ApiWrite): ApiWrite {
    if (write.url.split('?')[0] !== '/config' || write.body === undefined) return write;
    let config: unknown;
    try {
      config = JSON.parse(write.body);
    } catch {
      return write; // the API answers it with its own 400
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) return write;
    return { ...write, body: JSON.stringify(withLocalKeys(config as Record<string, unknown>, this.config())) };
  }

  private async forwardUpdate(message: Uint8Array, client: Client): Promise<Uint8Array> {
    try {
      const reply = z.base64().parse(await this.link.request('dns-update', { message: Buffer.from(message).toString('base64'), client }, FORWARD_TIMEOUT_MS));
      return new Uint8Array(Buffer.from(reply, 'base64'));
    } catch (error) {
      this.log.warn({ client: client.address, master: this.master, err: (error as Error).message }, 'UPDATE not forwarded to the master: SERVFAIL');
      return queryError(message, Rcode.SERVFAIL);
    }
  }
}

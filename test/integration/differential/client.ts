// An in-process DNS client for comparing servers: one UDP query, the reply
// read with hearth's own message reader into what a comparison needs.
import { createSocket } from 'node:dgram';
import { parseReply, buildQuery } from '../../../src/dns/upstream/message.ts';
import type { Response } from '../../../src/dns/message.ts';

export type Reply = Pick<Response, 'rcode' | 'authoritative' | 'answer' | 'authority' | 'additional'>;

/** Asks 127.0.0.1:`port` for `name`/`type` (RD clear, as a resolver asks an authority); retries once after 2 s. */
export async function ask(port: number, name: string, type: number): Promise<Reply> {
  const query = buildQuery({ name, type, dnssecOk: false, checkingDisabled: false });
  query[2] = 0; // RD clear: an authoritative question
  for (let attempt = 1; ; attempt++) {
    const bytes = await exchange(port, query).catch((error: unknown) => {
      if (attempt === 2) throw error;
      return undefined;
    });
    if (!bytes) continue;
    const reply = parseReply(bytes, 'upstream:test');
    return { ...reply, authoritative: (bytes[2]! & 0x04) !== 0 };
  }
}

function exchange(port: number, query: Uint8Array): Promise<Uint8Array> {
  const socket = createSocket('udp4');
  return new Promise<Uint8Array>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('no reply in 2 s')), 2000);
    socket.once('message', (message) => {
      clearTimeout(timer);
      done(new Uint8Array(message));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    socket.send(query, port, '127.0.0.1');
  }).finally(() => socket.close());
}

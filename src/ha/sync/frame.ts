// The sync channel's framing: each message is a 4-byte big-endian length and
// that many bytes of UTF-8 JSON. TLS carries a byte stream, so the reader
// reassembles frames across reads and refuses a length past MAX_FRAME before
// buffering it (a peer that authenticated can still be buggy).

/** A full snapshot of a 1M-domain list is ~30 MB of JSON; room to spare. */
export const MAX_FRAME = 128 * 1024 * 1024;

export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message));
  if (body.length > MAX_FRAME) throw new Error(`a sync message of ${body.length} bytes is over the ${MAX_FRAME}-byte frame limit`);
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

export type FrameResult = { readonly ok: true; readonly messages: unknown[] } | { readonly ok: false; readonly reason: string };

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** The whole messages `chunk` completes; a bad frame ends the stream (the caller closes it). */
  push(chunk: Buffer): FrameResult {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: unknown[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readUInt32BE(0);
      if (length > MAX_FRAME) return { ok: false, reason: `a frame of ${length} bytes is over the ${MAX_FRAME}-byte limit` };
      if (this.buffered < 4 + length) break;
      const body = this.take(4 + length).subarray(4);
      try {
        messages.push(JSON.parse(body.toString('utf8')));
      } catch {
        return { ok: false, reason: 'a frame that is not JSON' };
      }
    }
    return { ok: true, messages };
  }

  private peek(length: number): Buffer {
    if (this.chunks[0]!.length < length) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, length);
  }

  private take(length: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = all.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, length);
  }
}

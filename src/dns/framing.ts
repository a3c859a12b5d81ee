// DNS over a byte stream (RFC 1035 §4.2.2, RFC 7766 §8): each message is
// preceded by its length in two octets. The reader collects chunks and cuts
// whole messages out of them, copying each byte once however the stream is
// split, so a peer that trickles bytes costs no more than one that doesn't.

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds a chunk read from the stream and returns the messages it completed. */
  push(chunk: Buffer): Buffer[] {
    this.add(chunk);
    const messages: Buffer[] = [];
    for (let message = this.next(); message; message = this.next()) messages.push(message);
    return messages;
  }

  /** Adds a chunk, for a reader that takes its messages one at a time with next(). */
  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole message received, if there is one. */
  next(): Buffer | undefined {
    if (this.buffered < 2) return undefined;
    const length = this.peekLength();
    if (this.buffered < 2 + length) return undefined;
    return this.take(2 + length).subarray(2);
  }

  /** Bytes received that do not yet make a whole message. */
  get pending(): number {
    return this.buffered;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 2) return first.readUInt16BE(0);
    return (first[0]! << 8) | this.chunks[1]![0]!;
  }

  private take(count: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= count) {
      // The common case, one message in one chunk: no copy.
      this.chunks[0] = first.subarray(count);
      if (this.chunks[0].length === 0) this.chunks.shift();
      this.buffered -= count;
      return first.subarray(0, count);
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = all.length > count ? [all.subarray(count)] : [];
    this.buffered -= count;
    return all.subarray(0, count);
  }
}

/** The two-octet length prefix and the message, ready to write. */
export function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(2 + message.length);
  out.writeUInt16BE(message.length, 0);
  out.set(message, 2);
  return out;
}

import { describe, expect, it } from 'vitest';
import { RRClass, RRType } from '../../dns/record.ts';
import { decodeUpdate } from '../../dns/update/message.ts';
import { replaceRrsetMessage } from './update-message.ts';

describe('the UPDATE that replaces an address', () => {
  it('names the zone, deletes the RRset, then adds the new record (RFC 2136 §2.5)', () => {
    const message = replaceRrsetMessage({
      id: 0x1234,
      zone: 'example.com',
      name: 'home.example.com',
      type: RRType.A,
      ttl: 300,
      rdata: Uint8Array.of(93, 184, 216, 34),
    });
    expect(message[2]! >> 3).toBe(5); // opcode UPDATE, QR 0
    expect(decodeUpdate(message)).toEqual({
      kind: 'update',
      message: {
        id: 0x1234,
        zone: 'example.com',
        prerequisites: [],
        updates: [
          { name: 'home.example.com', type: RRType.A, class: RRClass.ANY, ttl: 0, rdata: new Uint8Array(0) },
          { name: 'home.example.com', type: RRType.A, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(93, 184, 216, 34) },
        ],
      },
    });
  });
});

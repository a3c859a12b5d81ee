// TSIG against the real clients: dig, kdig, nsupdate and knsupdate sign
// their requests, a UDP responder in the test checks them with
// verifyRequest and answers with signMessage / signRejection, and the
// clients say whether they accept the answer.
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWith } from '../support/tools.ts';
import { tempDir } from '../support/temp-dir.ts';
import { Rcode } from '../../src/dns/message.ts';
import { MessageReader } from '../../src/dns/reader.ts';
import { TSIG_ALGORITHMS } from '../../src/dns/tsig/algorithms.ts';
import type { TsigKey } from '../../src/dns/tsig/key.ts';
import type { TsigKeyring } from '../../src/dns/tsig/keyring.ts';
import { loadTsigKeys } from '../../src/dns/tsig/keys.ts';
import { signMessage } from '../../src/dns/tsig/sign.ts';
import { appendTsig, splitTsig } from '../../src/dns/tsig/signed-message.ts';
import { signRejection, verifyRequest, type TsigVerdict } from '../../src/dns/tsig/verify.ts';

const SECRET = 'c2VjcmV0LWtleS1mb3ItaGVhcnRoLXRlc3RzLTMyYnk=';
const WRONG_SECRET = 'b3RoZXItc2VjcmV0LWZvci1oZWFydGgtdGVzdHMtMzI=';

interface Behaviour {
  /** Seconds added to the responder's clock. */
  clockOffset?: number;
  /** Flip a bit of the answer's MAC after signing. */
  tamper?: boolean;
  /** Keys to use instead of the one per algorithm. */
  keyring?: TsigKeyring;
}

/** A UDP DNS responder on 127.0.0.1 that knows one key per algorithm, all
 *  named after their algorithm, and answers every message with an empty
 *  answer to its question. */
class Responder {
  readonly verdicts: TsigVerdict[] = [];
  behaviour: Behaviour = {};
  private readonly socket: Socket = createSocket('udp4');
  private readonly keys = new Map(
    TSIG_ALGORITHMS.map((algorithm): [string, TsigKey] => [algorithm, { name: algorithm, algorithm, secret: Buffer.from(SECRET, 'base64') }]),
  );

  async start(): Promise<number> {
    this.socket.on('message', (request, peer) => this.socket.send(this.answer(request), peer.port, peer.address));
    await new Promise<void>((done) => this.socket.bind(0, '127.0.0.1', done));
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((done) => this.socket.close(() => done()));
  }

  private answer(request: Uint8Array): Uint8Array {
    const now = Date.now() / 1000 + (this.behaviour.clockOffset ?? 0);
    const { keyring } = this.behaviour;
    const verdict = verifyRequest(request, (name) => (keyring ? keyring.findKey(name) : this.keys.get(name)), now);
    this.verdicts.push(verdict);
    switch (verdict.kind) {
      case 'valid': {
        const signed = signMessage(responseTo(request, Rcode.NOERROR), verdict.key, { now, requestMac: verdict.mac }).message;
        return this.behaviour.tamper ? tampered(signed) : signed;
      }
      case 'rejected': {
        const signed = signRejection(responseTo(request, Rcode.NOTAUTH), verdict, now);
        return this.behaviour.tamper ? tampered(signed) : signed;
      }
      case 'unsigned':
        return responseTo(request, Rcode.REFUSED);
      case 'malformed':
        return responseTo(request, Rcode.FORMERR);
    }
  }
}

/** Header and question of `request`, as a response with `rcode`. */
function responseTo(request: Uint8Array, rcode: number): Uint8Array {
  const reader = new MessageReader(request, 4);
  const questions = reader.u16();
  reader.skip(6);
  for (let i = 0; i < questions; i++) reader.question();
  const response = Buffer.from(request.subarray(0, reader.offset));
  response[2] = 0x80 | (request[2]! & 0x78); // QR, the request's opcode
  response[3] = rcode;
  response.fill(0, 6, 12);
  return response;
}

function tampered(signed: Uint8Array): Uint8Array {
  const split = splitTsig(signed);
  if (split.kind !== 'signed') throw new Error('not signed');
  const mac = Buffer.from(split.tsig.mac);
  mac[0]! ^= 1;
  return appendTsig(split.unsigned, { ...split.tsig, mac });
}

interface Run {
  readonly code: number;
  readonly output: string;
}

function run(command: string, args: string[], input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr });
    });
    child.stdin!.end(input ?? '');
  });
}

const keyArg = (algorithm: string, secret = SECRET, bits = ''): string => `${algorithm}${bits}:${algorithm}:${secret}`;

let responder: Responder;
let port: number;

beforeAll(async () => {
  responder = new Responder();
  port = await responder.start();
});
afterAll(() => responder.close());
afterEach(() => {
  responder.verdicts.length = 0;
  responder.behaviour = {};
});

const lastVerdict = (): TsigVerdict | undefined => responder.verdicts.at(-1);
const dig = (key: string): Promise<Run> => run('dig', [`@127.0.0.1`, '-p', String(port), '+tries=1', '+time=3', '-y', key, 'home.lan', 'SOA']);
const kdig = (key: string): Promise<Run> => run('kdig', [`@127.0.0.1`, '-p', String(port), '+retry=0', '+time=3', '-y', key, 'home.lan', 'SOA']);
const UPDATE = (port: number): string => `server 127.0.0.1 ${port}\nzone home.lan\nupdate add laptop.home.lan 60 A 192.168.1.50\nsend\n`;

// dig's complaints: "Couldn't verify signature: …" and a closing warning.
const DIG_TSIG_FAILURE = /Couldn't verify signature|Some TSIG could not be validated/;

describeWith(['dig'])('dig -y', () => {
  it.each(TSIG_ALGORITHMS)('a query signed with %s is valid, and dig verifies the signed answer', async (algorithm) => {
    const { output } = await dig(keyArg(algorithm));
    expect(lastVerdict()).toMatchObject({ kind: 'valid', key: { name: algorithm } });
    expect(output).toMatch(/status: NOERROR/);
    expect(output).not.toMatch(DIG_TSIG_FAILURE);
  });

  it('dig refuses an answer whose MAC was altered (the check above is real)', async () => {
    responder.behaviour = { tamper: true };
    expect((await dig(keyArg('hmac-sha256'))).output).toMatch(/Couldn't verify signature: tsig verify failure/);
  });

  it('a wrong secret is BADSIG, and dig is told so', async () => {
    const { output } = await dig(keyArg('hmac-sha256', WRONG_SECRET));
    expect(lastVerdict()).toMatchObject({ kind: 'rejected', error: 'BADSIG', keyName: 'hmac-sha256' });
    expect(output).toMatch(/status: NOTAUTH/);
    expect(output).toMatch(/TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADSIG 0/);
  });

  it('a client 10 minutes off gets BADTIME, signed so that dig verifies it and reports the clock skew', async () => {
    responder.behaviour = { clockOffset: 600 };
    const { output } = await dig(keyArg('hmac-sha256'));
    expect(lastVerdict()).toMatchObject({ kind: 'rejected', error: 'BADTIME' });
    expect(output).toMatch(/Couldn't verify signature: clocks are unsynchronized/);
    responder.behaviour = { clockOffset: 600, tamper: true };
    expect((await dig(keyArg('hmac-sha256'))).output).toMatch(/Couldn't verify signature: tsig verify failure/);
  });

  it('a MAC truncated to 128 bits is accepted, one of 120 bits is FORMERR', async () => {
    const truncated = await dig(keyArg('hmac-sha256', SECRET, '-128'));
    expect(lastVerdict()).toMatchObject({ kind: 'valid' });
    expect((lastVerdict() as { mac: Uint8Array }).mac).toHaveLength(16);
    expect(truncated.output).not.toMatch(DIG_TSIG_FAILURE);
    expect((await dig(keyArg('hmac-sha256', SECRET, '-120'))).output).toMatch(/status: FORMERR/);
    expect(lastVerdict()).toMatchObject({ kind: 'malformed' });
  });
});

describeWith(['kdig'])('kdig -y', () => {
  it.each(TSIG_ALGORITHMS)('a query signed with %s is valid, and kdig verifies the signed answer', async (algorithm) => {
    const { output } = await kdig(keyArg(algorithm));
    expect(lastVerdict()).toMatchObject({ kind: 'valid', key: { name: algorithm } });
    expect(output).toMatch(/status: NOERROR/);
    expect(output).not.toMatch(/reply verification/);
  });

  it('kdig refuses an altered answer, and a wrong secret is BADSIG', async () => {
    responder.behaviour = { tamper: true };
    expect((await kdig(keyArg('hmac-sha512'))).output).toMatch(/reply verification .*failed to verify TSIG/);
    responder.behaviour = {};
    await kdig(keyArg('hmac-sha512', WRONG_SECRET));
    expect(lastVerdict()).toMatchObject({ kind: 'rejected', error: 'BADSIG' });
  });
});

describeWith(['nsupdate'])('nsupdate -y', () => {
  it('a signed UPDATE is valid, and nsupdate accepts the signed answer', async () => {
    const result = await run('nsupdate', ['-t', '5', '-y', keyArg('hmac-sha256')], UPDATE(port));
    expect(lastVerdict()).toMatchObject({ kind: 'valid', key: { name: 'hmac-sha256' } });
    expect(result).toMatchObject({ code: 0 });
  });

  it('nsupdate fails when the answer was altered after signing', async () => {
    responder.behaviour = { tamper: true };
    expect((await run('nsupdate', ['-t', '5', '-y', keyArg('hmac-sha256')], UPDATE(port))).code).not.toBe(0);
  });

  it('a wrong secret is BADSIG, and nsupdate reports NOTAUTH(BADSIG)', async () => {
    const result = await run('nsupdate', ['-t', '5', '-y', keyArg('hmac-md5', WRONG_SECRET)], UPDATE(port));
    expect(lastVerdict()).toMatchObject({ kind: 'rejected', error: 'BADSIG' });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/NOTAUTH\(BADSIG\)/);
  });

  it('a client 10 minutes off gets a signed BADTIME, and nsupdate reports NOTAUTH(BADTIME)', async () => {
    responder.behaviour = { clockOffset: -600 };
    const result = await run('nsupdate', ['-t', '5', '-y', keyArg('hmac-sha256')], UPDATE(port));
    expect(lastVerdict()).toMatchObject({ kind: 'rejected', error: 'BADTIME' });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/clocks are unsynchronized[\s\S]*NOTAUTH\(BADTIME\)/);
  });
});

describeWith(['knsupdate'])('knsupdate -y', () => {
  it('a signed UPDATE is valid, and knsupdate accepts the signed answer', async () => {
    const result = await run('knsupdate', ['-t', '5', '-y', keyArg('hmac-sha1')], UPDATE(port));
    expect(lastVerdict()).toMatchObject({ kind: 'valid', key: { name: 'hmac-sha1' } });
    expect(result).toMatchObject({ code: 0 });
    responder.behaviour = { tamper: true };
    const refused = await run('knsupdate', ['-t', '5', '-y', keyArg('hmac-sha1')], UPDATE(port));
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/failed to verify TSIG/);
  });
});

describeWith(['tsig-keygen', 'nsupdate'])('a key file made by tsig-keygen', () => {
  it('nsupdate -k and dns_update.keys[].secret_file read the same file', async () => {
    const file = join(tempDir(), 'ddns.key');
    writeFileSync(file, (await run('tsig-keygen', ['-a', 'hmac-sha512', 'ddns-key'])).output);
    const loaded = loadTsigKeys({ keys: [{ name: 'ddns-key', algorithm: 'hmac-sha512', secret_file: file, zones: ['home.lan'] }] });
    if (loaded.errors.length > 0) throw new Error(loaded.errors.join('\n'));
    responder.behaviour = { keyring: loaded.keyring };
    const result = await run('nsupdate', ['-t', '5', '-k', file], UPDATE(port));
    expect(lastVerdict()).toMatchObject({ kind: 'valid', key: { name: 'ddns-key', algorithm: 'hmac-sha512' } });
    expect(result).toMatchObject({ code: 0 });
  });
});

// DoH upstream against a real unbound (its DoH listener, a test CA) and a
// scripted HTTP/2 server for the failures a real server rarely shows.
import { execFile } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { constants, createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../support/tools.ts';
import { makeTestCa, type TestCa } from '../upstreams/ca.ts';
import { answers, question, reply } from '../support/fake-dns.ts';
import { startProxy, type Proxy } from '../upstreams/proxy.ts';
import { startUnbound, type Unbound } from '../upstreams/unbound.ts';
import { createUpstream } from '../../src/dns/upstream/create.ts';

const run = promisify(execFile);
const RECORDS = ['a.up.test. 300 IN A 192.0.2.1'];
const ask = (url: string, caFile: string, name = 'a.up.test', ms = 3000): Promise<Uint8Array> =>
  createUpstream(url, { bootstrap: [], caFile }).exchange(question(name), AbortSignal.timeout(ms));

describeWith(['unbound', 'unbound-control', 'openssl'])('the DoH upstream against unbound', () => {
  let ca: TestCa;
  let unbound: Unbound;
  let blackhole: UdpSocket;
  let proxy: Proxy;
  let url: string;

  beforeAll(async () => {
    ca = await makeTestCa();
    // Queries under slow.test are forwarded here and never answered, so they stay in flight.
    blackhole = createSocket('udp4');
    await new Promise<void>((done) => blackhole.bind(0, '127.0.0.1', done));
    unbound = await startUnbound({ records: RECORDS, tls: ca, forward: { 'slow.test': blackhole.address().port } });
    proxy = await startProxy(unbound.httpsPort);
    url = `https://127.0.0.1:${proxy.port}/dns-query`;
  });
  afterAll(async () => {
    await proxy?.stop();
    await unbound?.remove();
    blackhole?.close();
    ca?.remove();
  });

  it('answers a query', async () => {
    expect(answers(await ask(`https://127.0.0.1:${unbound.httpsPort}`, ca.caFile))).toEqual(['192.0.2.1']);
  });

  it('sends 200 concurrent queries over one session', async () => {
    const upstream = createUpstream(url, { bootstrap: [], caFile: ca.caFile });
    const before = proxy.connections();
    const replies = await Promise.all(Array.from({ length: 200 }, () => upstream.exchange(question('a.up.test'), AbortSignal.timeout(5000))));
    expect(replies.every((bytes) => answers(bytes)[0] === '192.0.2.1')).toBe(true);
    expect(proxy.connections() - before).toBe(1);
    upstream.close();
  });

  it('rejects an aborted query at once and keeps the session for the next', async () => {
    const upstream = createUpstream(url, { bootstrap: [], caFile: ca.caFile });
    await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000));
    const before = proxy.connections();
    const started = Date.now();
    await expect(upstream.exchange(question('x.slow.test'), AbortSignal.timeout(150))).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeLessThan(500);
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
    expect(proxy.connections()).toBe(before);
    upstream.close();
  });

  it('rejects the queries in flight when the connection is cut, and opens a new session', async () => {
    const upstream = createUpstream(url, { bootstrap: [], caFile: ca.caFile });
    await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000));
    const inFlight = Array.from({ length: 5 }, (_, i) => upstream.exchange(question(`q${i}.slow.test`), AbortSignal.timeout(10_000)));
    await new Promise((done) => setTimeout(done, 100));
    const started = Date.now();
    proxy.cut();
    const settled = await Promise.allSettled(inFlight);
    expect(settled.every((result) => result.status === 'rejected')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
    upstream.close();
  });

  it('survives the server being killed mid-stream and uses it again once it is back', async () => {
    const direct = `https://127.0.0.1:${unbound.httpsPort}`;
    const upstream = createUpstream(direct, { bootstrap: [], caFile: ca.caFile });
    await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000));
    const inFlight = Array.from({ length: 5 }, (_, i) => upstream.exchange(question(`k${i}.slow.test`), AbortSignal.timeout(10_000)));
    await new Promise((done) => setTimeout(done, 100));
    const started = Date.now();
    const settled = Promise.allSettled(inFlight);
    await unbound.stop(true);
    expect((await settled).every((result) => result.status === 'rejected')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow(/ECONNREFUSED/);
    await unbound.restart();
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
    upstream.close();
  });

  it('refuses a server whose certificate it cannot verify, without crashing', async () => {
    const upstream = createUpstream(`https://127.0.0.1:${unbound.httpsPort}`, { bootstrap: [] });
    await expect(upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow(/certificate/);
  });
});

describeWith(['openssl'])('the DoH upstream against a scripted server', () => {
  let ca: TestCa;
  let server: Http2SecureServer;
  let url: string;
  const sessions = new Set<ServerHttp2Session>();
  let opened = 0;
  let refusedOnce = false;

  beforeAll(async () => {
    ca = await makeTestCa();
    server = createSecureServer({ cert: readFileSync(ca.certFile), key: readFileSync(ca.keyFile) });
    server.on('session', (session) => {
      opened++;
      sessions.add(session);
      session.on('close', () => sessions.delete(session));
    });
    server.on('stream', (stream, headers) => {
      stream.on('error', () => {}); // the reset below
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const query = dnsPacket.decode(Buffer.concat(chunks));
        switch (headers[':path']) {
          case '/missing':
            return stream.respond({ ':status': 404 }, { endStream: true });
          case '/html':
            return stream.end(stream.respond({ ':status': 200, 'content-type': 'text/html' }));
          case '/reset':
            return stream.close(constants.NGHTTP2_INTERNAL_ERROR);
          case '/refuse-first':
            if (!refusedOnce) {
              refusedOnce = true;
              return stream.close(constants.NGHTTP2_REFUSED_STREAM);
            }
            stream.respond({ ':status': 200, 'content-type': 'application/dns-message' });
            return stream.end(reply(query, ['192.0.2.1']));
          case '/id':
          case '/goaway':
            stream.respond({ ':status': 200, 'content-type': 'application/dns-message' });
            stream.end(reply(query, [query.id === 0 ? '192.0.2.1' : '192.0.2.99']));
            if (headers[':path'] === '/goaway') stream.session?.goaway();
        }
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `https://localhost:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const session of sessions) session.destroy();
    await new Promise((done) => server?.close(done));
    ca?.remove();
  });

  const upstream = (path: string) => createUpstream(`${url.replace('localhost', '127.0.0.1')}${path}`, { bootstrap: [], caFile: ca.caFile });

  it('sends ID 0 (RFC 8484 §4.1)', async () => {
    expect(answers(await upstream('/id').exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
  });

  it('rejects a status other than 200 and another content type, naming them', async () => {
    await expect(upstream('/missing').exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow(/HTTP status 404/);
    await expect(upstream('/html').exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow(/content-type text\/html/);
  });

  it('rejects a reset stream and opens a new session for the next query', async () => {
    const reset = upstream('/reset');
    const before = opened;
    await expect(reset.exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow(/NGHTTP2_INTERNAL_ERROR|stream/i);
    await expect(reset.exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow();
    expect(opened - before).toBe(2);
  });

  it('opens a new session after GOAWAY', async () => {
    const goaway = upstream('/goaway');
    const before = opened;
    for (let i = 0; i < 3; i++) {
      expect(answers(await goaway.exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
    }
    expect(opened - before).toBe(3);
  });

  it('sends a refused query again on a new session (RFC 9113 §8.7)', async () => {
    const before = opened;
    expect(answers(await upstream('/refuse-first').exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
    expect(opened - before).toBe(2);
  });

  it('does not keep the process alive once its queries are done', async () => {
    // A process of its own, importing the transports from their folder.
    const UPSTREAM_DIR = resolve(import.meta.dirname, '../../src/dns/upstream');
    const script = `
      import { createUpstream } from '${UPSTREAM_DIR}/create.ts';
      import { buildQuery } from '${UPSTREAM_DIR}/message.ts';
      const upstream = createUpstream('${url.replace('localhost', '127.0.0.1')}/id', { bootstrap: [], caFile: '${ca.caFile}' });
      await upstream.exchange(buildQuery({ name: 'a.up.test', type: 1, dnssecOk: false, checkingDisabled: false }), AbortSignal.timeout(3000));
      console.log('answered');`;
    const started = Date.now();
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
    expect(stdout).toContain('answered');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

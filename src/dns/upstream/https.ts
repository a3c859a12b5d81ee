// DNS over HTTPS (RFC 8484): one HTTP/2 session per upstream (the version
// RFC 8484 §5.2 recommends), shared by every query, one POST stream per query. A session that errs, closes, gets GOAWAY or sees a
// stream fail is dropped and the next query opens a new one; the streams on
// a dead session end with an error, so no query hangs and nothing throws.
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from 'node:http2';
import { isIPv6 } from 'node:net';
import { connect as tlsConnect, type SecureContext } from 'node:tls';
import { serverName } from './tls.ts';
import type { Endpoint, Upstream } from './upstream.ts';
import { abortable } from './abortable.ts';
import { isReplyTo, withId } from './message.ts';

const MEDIA_TYPE = 'application/dns-message';
/** An idle session is closed; the next query opens another. */
const IDLE_MS = 30_000;
const MAX_MESSAGE = 65_535;

/** The server did not act on the request (RFC 9113 §8.7): safe to send again. */
class Unprocessed extends Error {}

interface Session {
  readonly http2: ClientHttp2Session;
  /** Streams open on it: the session keeps the process alive only while some are. */
  streams: number;
  /** Stops handing the session out to new queries; its open streams finish. */
  readonly drop: () => void;
}

export function httpsUpstream(url: string, endpoint: Endpoint, path: string, secureContext: SecureContext): Upstream {
  return new HttpsUpstream(url, endpoint, path, secureContext);
}

class HttpsUpstream implements Upstream {
  readonly url: string;
  private readonly endpoint: Endpoint;
  private readonly path: string;
  private readonly secureContext: SecureContext;
  private session: Promise<Session> | undefined;

  constructor(url: string, endpoint: Endpoint, path: string, secureContext: SecureContext) {
    this.url = url;
    this.endpoint = endpoint;
    this.path = path;
    this.secureContext = secureContext;
  }

  async exchange(message: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    // RFC 8484 §4.1: ID 0, so that equal queries are equal HTTP requests.
    const query = withId(message, 0);
    try {
      return await this.post(await abortable(this.open(), signal), query, signal);
    } catch (error) {
      if (!(error instanceof Unprocessed)) throw error;
      // Once, on a new session: a GOAWAY can overtake a query just sent.
      return this.post(await abortable(this.open(), signal), query, signal);
    }
  }

  close(): void {
    const session = this.session;
    this.session = undefined;
    session?.then(
      ({ http2 }) => http2.destroy(),
      () => {},
    );
  }

  private open(): Promise<Session> {
    if (this.session) return this.session;
    const { host, port } = this.endpoint;
    const authority = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
    const servername = serverName(host);
    const drop = (): void => {
      if (this.session !== opening) return;
      this.session = undefined;
      opening.then(
        ({ http2 }) => http2.close(),
        () => {},
      );
    };
    const opening = this.endpoint.address().then((address): Session => {
      // The TLS connection goes to the looked-up address; :authority, SNI and
      // the certificate check use the URL's host.
      const http2 = connect(authority, {
        createConnection: () =>
          tlsConnect({
            host: address,
            port,
            secureContext: this.secureContext,
            ALPNProtocols: ['h2'],
            ...(servername ? { servername } : {}),
          }),
      });
      http2.on('error', () => {
        drop();
        this.endpoint.forget();
      });
      http2.on('goaway', drop);
      http2.on('close', drop);
      http2.setTimeout(IDLE_MS, () => http2.close());
      http2.unref();
      return { http2, streams: 0, drop };
    });
    opening.catch(drop);
    this.session = opening;
    return opening;
  }

  private post(session: Session, query: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      let done = false;
      const end = (reply: Uint8Array | undefined, error?: unknown): void => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', abort);
        if (reply) resolve(reply);
        else reject(error);
      };
      let stream: ClientHttp2Stream;
      try {
        stream = session.http2.request({
          ':method': 'POST',
          ':path': this.path,
          'content-type': MEDIA_TYPE,
          accept: MEDIA_TYPE,
          'content-length': query.length,
        });
      } catch (error) {
        // The session closed between open() and now (GOAWAY, idle close).
        session.drop();
        return reject(new Unprocessed(`${this.url}: ${(error as Error).message}`));
      }
      if (session.streams++ === 0) session.http2.ref();
      const chunks: Buffer[] = [];
      let length = 0;
      let responded = false;
      stream.on('response', (headers: IncomingHttpHeaders & IncomingHttpStatusHeader) => {
        responded = true;
        const status = headers[':status'];
        const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        if (status !== 200) end(undefined, new Error(`${this.url}: HTTP status ${status}`));
        else if (type !== MEDIA_TYPE) end(undefined, new Error(`${this.url}: content-type ${type ?? 'missing'}, not ${MEDIA_TYPE}`));
        if (done) stream.close(constants.NGHTTP2_CANCEL);
      });
      stream.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length <= MAX_MESSAGE) return void chunks.push(chunk);
        end(undefined, new Error(`${this.url}: reply longer than ${MAX_MESSAGE} bytes`));
        stream.close(constants.NGHTTP2_CANCEL);
      });
      stream.on('end', () => {
        if (!responded) return; // cut off before the headers: 'close' says why
        const reply = new Uint8Array(Buffer.concat(chunks));
        if (isReplyTo(query, reply)) end(reply);
        else end(undefined, new Error(`${this.url}: reply does not match the question`));
      });
      // Refused streams (those above a GOAWAY's last stream ID among them) were never processed.
      const refused = (): Error | undefined =>
        stream.rstCode === constants.NGHTTP2_REFUSED_STREAM ? new Unprocessed(`${this.url}: stream refused`) : undefined;
      stream.on('error', (error) => {
        session.drop();
        end(undefined, refused() ?? error);
      });
      stream.on('close', () => {
        if (--session.streams === 0) session.http2.unref();
        end(undefined, refused() ?? new Error(`${this.url}: stream closed (HTTP/2 error code ${stream.rstCode})`));
      });
      const abort = (): void => {
        end(undefined, signal.reason);
        stream.close(constants.NGHTTP2_CANCEL);
      };
      if (signal.aborted) return abort();
      signal.addEventListener('abort', abort, { once: true });
      stream.end(query);
    });
  }
}

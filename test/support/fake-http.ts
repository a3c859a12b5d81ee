// For tests: an HTTP server on 127.0.0.1 standing in for a DNS provider's
// API or a "what is my IP" service. It keeps every request it gets, whole,
// so tests can assert exactly what hearth sent (or that it sent nothing),
// and answers what the test scripts.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type FakeAnswer =
  | { readonly status?: number; readonly body?: string | object; readonly headers?: Readonly<Record<string, string>> }
  /** Never answer (the client's timeout ends the request). */
  | 'hang';

export class FakeHttp {
  readonly requests: SeenRequest[] = [];
  /** What to answer; the default answers 200 with an empty body. */
  answer: (request: SeenRequest) => FakeAnswer = () => ({});
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();

  private constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const seen: SeenRequest = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
        this.requests.push(seen);
        const answer = this.answer(seen);
        if (answer === 'hang') return void this.hanging.add(res);
        const text = typeof answer.body === 'object' ? JSON.stringify(answer.body) : (answer.body ?? '');
        const type = typeof answer.body === 'object' ? 'application/json' : 'text/plain';
        res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers });
        res.end(text);
      });
    });
  }

  static async start(): Promise<FakeHttp> {
    const fake = new FakeHttp();
    await new Promise<void>((done) => fake.server.listen(0, '127.0.0.1', done));
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  /** Answers every request with `answer` from now on. */
  always(answer: FakeAnswer): void {
    this.answer = () => answer;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

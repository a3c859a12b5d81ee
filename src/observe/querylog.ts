// The query log: every answered query, kept in data_dir/querylog.sqlite.
// The resolver thread only writes a row into the columns of a batch; whole
// batches move to a writer thread (querylog-worker.ts), which inserts each in
// one transaction, so the 2–3 µs of SQLite work per row never runs here. If
// the writer falls behind, rows are dropped and counted rather than queued
// without bound.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnsweredQuery } from '../dns/server.ts';
import type { Logger } from './log.ts';
import { createBatch, transferables, type LogBatch, type QueryLogFilter, type QueryLogPage } from './querylog-store.ts';
import type { Reply, Request } from './querylog-worker.ts';

export { STATUSES, type Cursor, type QueryLogEntry, type QueryLogFilter, type QueryLogPage, type Status } from './querylog-store.ts';

export interface QueryLogOptions {
  readonly dataDir: string;
  /** Rows older than this are deleted. */
  readonly retentionSeconds: number;
  readonly maxRows: number;
  readonly log?: Logger;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

type WithoutId<R> = R extends Request ? Omit<R, 'id'> : never;

/** Rows per insert transaction; a partial batch goes out every FLUSH_MS. */
const BATCH_ROWS = 1000;
const FLUSH_MS = 1000;
/** Rows batched or on their way to the writer: ~2.5 s at 20,000 queries/s. */
const MAX_PENDING_ROWS = 50_000;
/** Retention runs this often, so the table overshoots max_rows by at most a minute of queries. */
const PRUNE_MS = 60_000;

export class QueryLog {
  private readonly worker: Worker;
  private readonly options: QueryLogOptions;
  private readonly now: () => number;
  private readonly timers: NodeJS.Timeout[];
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private batch = createBatch(BATCH_ROWS);
  /** Full batches waiting for the end of this event-loop turn. */
  private readonly full: LogBatch[] = [];
  private sendScheduled = false;
  private pendingRows = 0;
  private lastId = 0;
  private failure: Error | undefined;
  private closed = false;
  private droppedRows = 0;

  /** Opens (or creates) the log and applies retention once. */
  static async open(options: QueryLogOptions): Promise<QueryLog> {
    mkdirSync(options.dataDir, { recursive: true });
    const log = new QueryLog(options);
    try {
      await log.prune();
    } catch (error) {
      await log.stop();
      throw error;
    }
    return log;
  }

  private constructor(options: QueryLogOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.worker = new Worker(new URL('./querylog-worker.ts', import.meta.url), {
      workerData: { path: join(options.dataDir, 'querylog.sqlite') },
    });
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', () => this.fail(new Error('the query log writer exited')));
    this.timers = [
      setInterval(() => {
        if (this.batch.length > 0) void this.sendAll();
      }, FLUSH_MS).unref(),
      setInterval(() => {
        this.prune().catch((error: unknown) => this.options.log?.error({ err: error }, 'query log retention failed'));
      }, PRUNE_MS).unref(),
    ];
  }

  /** Rows dropped because the writer fell behind or failed. */
  get dropped(): number {
    return this.droppedRows;
  }

  /** The resolver's hot path: a row into the batch's columns, no allocation, no I/O. */
  observe(answered: AnsweredQuery): void {
    if (this.pendingRows >= MAX_PENDING_ROWS || this.failure || this.closed) {
      this.droppedRows++;
      return;
    }
    const { batch } = this;
    const { response, query } = answered;
    const row = batch.length++;
    batch.time[row] = this.now();
    batch.latencyMs[row] = answered.latencyMs;
    batch.type[row] = query.type;
    batch.rcode[row] = response.rcode;
    batch.client.push(answered.client.address);
    batch.view.push(answered.view);
    batch.name.push(query.name);
    batch.source.push(response.source);
    batch.blockedBy.push(response.blockedBy);
    this.pendingRows++;
    if (batch.length === BATCH_ROWS) {
      this.full.push(batch);
      this.batch = createBatch(BATCH_ROWS);
      // After this turn's I/O, so posting the batch does not delay the replies in hand.
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => this.sendFull());
      }
    }
  }

  /** Resolves once every row observed so far is written. */
  async flush(): Promise<void> {
    await this.sendAll();
  }

  /** Newest first; `next` is the cursor for the following page. */
  query(filter: QueryLogFilter): Promise<QueryLogPage> {
    return this.request({ op: 'query', filter }) as Promise<QueryLogPage>;
  }

  /** Applies retention by age and row count now; resolves to the rows deleted. */
  prune(): Promise<number> {
    const before = this.now() - this.options.retentionSeconds * 1000;
    return this.request({ op: 'prune', before, maxRows: this.options.maxRows }) as Promise<number>;
  }

  /** Writes what is batched, then closes the database and the writer. Close
   *  the DNS server first: rows observed after this are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
      await this.request({ op: 'close' });
    } finally {
      await this.stop();
    }
  }

  private async stop(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.worker.terminate();
  }

  private sendFull(): void {
    this.sendScheduled = false;
    for (const batch of this.full.splice(0)) void this.write(batch);
  }

  /** The partial batch goes too, even empty: its reply comes after every earlier one. */
  private sendAll(): Promise<void> {
    this.sendFull();
    const batch = this.batch;
    this.batch = createBatch(BATCH_ROWS);
    return this.write(batch);
  }

  private write(batch: LogBatch): Promise<void> {
    return this.request({ op: 'insert', batch }, transferables(batch)).then(
      () => {
        this.pendingRows -= batch.length;
      },
      (error: unknown) => {
        this.pendingRows -= batch.length;
        this.droppedRows += batch.length;
        // A dead writer was reported once, in fail(); after close, dropping is expected.
        if (error !== this.failure && !this.closed) this.options.log?.error({ err: error, rows: batch.length }, 'query log write failed');
      },
    );
  }

  private request(body: WithoutId<Request>, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the query log is closed'));
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id }, transfer);
    });
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(reply.error));
  }

  /** The writer is gone: nothing more can be written or read. */
  private fail(error: Error): void {
    if (this.closed) return;
    if (!this.failure) this.options.log?.error({ err: error }, 'query log writer failed; query logging stopped');
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

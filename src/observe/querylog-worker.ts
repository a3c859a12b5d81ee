// The query log's writer thread. It owns the SQLite connection, so inserts,
// retention deletes and searches never stall the thread that answers DNS.
import { parentPort, workerData } from 'node:worker_threads';
import { QueryLogStore, type LogBatch, type QueryLogFilter } from './querylog-store.ts';

export type Request =
  | { readonly id: number; readonly op: 'insert'; readonly batch: LogBatch }
  | { readonly id: number; readonly op: 'query'; readonly filter: QueryLogFilter }
  | { readonly id: number; readonly op: 'prune'; readonly before: number; readonly maxRows: number }
  | { readonly id: number; readonly op: 'close' };

export type Reply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

const port = parentPort;
if (!port) throw new Error('querylog-worker.ts runs as a worker thread');
const store = new QueryLogStore((workerData as { path: string }).path);

function run(request: Request): unknown {
  switch (request.op) {
    case 'insert':
      return store.insert(request.batch);
    case 'query':
      return store.query(request.filter);
    case 'prune':
      return store.prune(request.before, request.maxRows);
    case 'close':
      return store.close();
  }
}

port.on('message', (request: Request) => {
  let reply: Reply;
  try {
    reply = { id: request.id, ok: true, value: run(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});

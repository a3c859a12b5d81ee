// A TCP relay in front of a test server: it counts the connections clients
// open (to see that queries share one) and can cut them all at once.
import { connect, createServer, type Socket } from 'node:net';

export interface Proxy {
  readonly port: number;
  /** Connections accepted since the start. */
  readonly connections: () => number;
  /** Destroys every open connection, on both sides. */
  readonly cut: () => void;
  readonly stop: () => Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    accepted++;
    const target = connect(targetPort, '127.0.0.1');
    track(client);
    track(target);
    client.pipe(target).pipe(client);
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const cut = (): void => {
    for (const socket of open) socket.destroy();
  };
  return {
    port: (server.address() as { port: number }).port,
    connections: () => accepted,
    cut,
    stop: () => {
      cut();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

// Ports for servers a test starts: asked of the kernel, so tests running at
// the same time (other files, other checkouts) do not collide.
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (UDP is almost always free too). */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

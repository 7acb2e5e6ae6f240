import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the OS picks it for a listener on port 0,
 * which is closed before returning. Another process can take it in between, so a caller that
 * starts a server on it should retry on "address already in use" (`startRegistry` does).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('expected a TCP address'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

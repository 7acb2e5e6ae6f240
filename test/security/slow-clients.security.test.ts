/**
 * Slow clients cannot hold connections open (docs/security.md, "Slow clients"): a body that drips
 * in, headers that never finish and an idle keep-alive connection are all closed once their time is
 * up. A real listening server on loopback with short settings; each case takes a few seconds.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp({
    env: {
      TOKENHUB_REQUEST_TIMEOUT_MS: '2000',
      TOKENHUB_HEADERS_TIMEOUT_MS: '1000',
      TOKENHUB_KEEP_ALIVE_TIMEOUT_MS: '500',
    },
  });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(() => t.close());

/** Opens a connection; resolves with what the server wrote and when it closed (ms after open). */
function slowClient(drip: (socket: Socket) => void): Promise<{ closedAfterMs: number; received: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const socket = connect(port, '127.0.0.1', () => drip(socket));
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ closedAfterMs: Date.now() - started, received }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error('the server kept the connection open for 10 s'));
    }, 10_000).unref();
  });
}

function dripEvery(socket: Socket, ms: number, text: string) {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++] ?? '');
  }, ms);
  socket.on('close', () => clearInterval(timer));
}

describe('slow clients', () => {
  it('6: a body sent a byte at a time is cut off at the request timeout', async () => {
    const { closedAfterMs, received } = await slowClient((socket) => {
      socket.write(
        'POST /v2/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n',
      );
      dripEvery(socket, 300, '{'.padEnd(200, ' '));
    });
    expect(closedAfterMs).toBeLessThan(4500);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('6: headers that never finish are cut off at the headers timeout', async () => {
    const { closedAfterMs } = await slowClient((socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      dripEvery(socket, 300, 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    });
    expect(closedAfterMs).toBeLessThan(3500);
  });

  it('6: an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const { closedAfterMs, received } = await slowClient((socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(closedAfterMs).toBeLessThan(2500);
  });

  it('6: the defaults do not let a slow client hold on for minutes', () => {
    const { security } = loadConfig({});
    expect(security.requestTimeoutMs).toBeLessThanOrEqual(30_000);
    expect(security.headersTimeoutMs).toBeLessThanOrEqual(security.requestTimeoutMs);
    expect(security.keepAliveTimeoutMs).toBeLessThanOrEqual(5000);
    expect(security.maxRequestsPerSocket).toBeGreaterThan(0);
  });
});

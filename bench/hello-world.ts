/**
 * The baseline: Fastify's hello-world JSON route, as in Fastify's own benchmarks (no logger, no
 * hooks), on 127.0.0.1 and a free port. Prints `listening <url>` once ready; SIGTERM stops it.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));

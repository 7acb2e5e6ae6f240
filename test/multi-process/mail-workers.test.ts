/**
 * `tokenhub serve --workers 2` on SQLite mailing a real SMTP server: both workers poll the outbox
 * every 200 ms and send what their own requests queue, so they contend for the same mails; each
 * mail still goes out exactly once, the node's `/metrics` counts them once, and
 * `tokenhub admin mail ls` sees the same queue.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, password } from '../support/process-fixtures.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { call, sleep, startNode, type TokenhubNode } from '../support/tokenhub-process.ts';

let dir: string;
let env: Record<string, string>;
let node: TokenhubNode;
let smtp: SmtpReceiver;
const users = Array.from({ length: 12 }, (_, i) => `mailrace${i}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-mail-workers-'));
  smtp = await startSmtpReceiver();
  env = {
    ...smtp.env,
    TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
    TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
    TOKENHUB_MAIL_SEND_INTERVAL_MS: '200',
  };
  node = await startNode({ env, workers: 2 });
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await smtp?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('serve --workers 2: the outbox', () => {
  it('sends each mail once although both workers send', { timeout: 90_000 }, async () => {
    const created = await Promise.all(
      users.map((username) =>
        call(node.url, {
          method: 'POST',
          path: '/v2/users',
          body: { username, email: `${username}@example.com`, password },
        }),
      ),
    );
    expect(created.map((res) => res.status)).toEqual(users.map(() => 201));
    await Promise.all(users.map((username) => smtp.waitFor(`${username}@example.com`, () => true, 30_000)));
    await sleep(1500); // several more polls by both workers
    const received = smtp.messages().map((mail) => mail.to.join(','));
    expect(received.sort()).toEqual(users.map((username) => `${username}@example.com`).sort());

    const metrics = await call(node.url, { path: '/metrics' });
    expect(metrics.text).toMatch(/^tokenhub_mail_sent_total 12$/m);
    expect(metrics.text).toMatch(/^tokenhub_mail_given_up_total 0$/m);
    expect(await admin(env, ['mail', 'ls'])).toContain('pending 0, sent 12, given_up 0');
  });
});

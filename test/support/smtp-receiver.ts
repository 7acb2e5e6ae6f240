/**
 * The tests' mail server (smtp-receiver-main.ts) as its own process on a free loopback port, and
 * the messages it received. `stop()` and `start()` take it away and bring it back on the same port
 * (an SMTP outage); `waitFor` polls the received messages until one matches.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { startReadyProcess, stopReadyProcess } from './ready-process.ts';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Whether the session was upgraded to TLS (STARTTLS). */
  secure: boolean;
}

export interface SmtpReceiver {
  port: number;
  /** tokenhub settings that send to it. */
  env: Record<string, string>;
  /** Every message received so far, oldest first. */
  messages(): ReceivedMail[];
  /** Messages to `address`. */
  messagesTo(address: string): ReceivedMail[];
  /** Polls until a message matches (default: any to `address`), or fails after `timeoutMs`. */
  waitFor(
    address: string,
    match?: (mail: ReceivedMail) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedMail>;
  /** The first `<public url>/…?code=…` link in a message's text. */
  linkIn(mail: ReceivedMail): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

const main = join(dirname(fileURLToPath(import.meta.url)), 'smtp-receiver-main.ts');

function startProcess(port: number, folder: string): Promise<ChildProcess> {
  return startReadyProcess(main, [String(port), folder], 'the SMTP receiver');
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const folder = mkdtempSync(join(tmpdir(), 'tokenhub-smtp-'));
  const port = await freePort();
  let child: ChildProcess | undefined = await startProcess(port, folder);
  const messages = () =>
    readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as ReceivedMail);
  const stop = async () => {
    const current = child;
    child = undefined;
    if (current) await stopReadyProcess(current);
  };
  return {
    port,
    env: {
      TOKENHUB_SMTP_URL: `smtp://127.0.0.1:${port}`,
      TOKENHUB_SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
      TOKENHUB_MAIL_FROM: 'tokenhub <tokenhub@tokenhub.test>',
    },
    messages,
    messagesTo: (address) => messages().filter((mail) => mail.to.includes(address)),
    async waitFor(address, match = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages().find((mail) => mail.to.includes(address) && match(mail));
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = messages().map((mail) => `${mail.to.join(',')}: ${mail.subject}`);
          throw new Error(`no mail to ${address} within ${timeoutMs} ms; received: ${seen.join(' | ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    linkIn(mail) {
      const link = /https?:\/\/\S+[?&]code=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
      if (!link) throw new Error(`no link in mail "${mail.subject}":\n${mail.text}`);
      return link;
    },
    async start() {
      if (!child) child = await startProcess(port, folder);
    },
    stop,
    async close() {
      await stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * A real SMTP server for the tests, run as its own process by smtp-receiver.ts: smtp-server accepts
 * every message on `127.0.0.1:<port>` (STARTTLS offered with the package's self-signed
 * certificate, so tokenhub must be told `TOKENHUB_SMTP_TLS_REJECT_UNAUTHORIZED=false`), mailparser
 * reads it, and each message is written as `<n>.json` (`{from, to, subject, text, html}`) into the
 * output folder, through a temporary name so a reader never sees half a file.
 *
 * Usage: node smtp-receiver-main.ts <port> <folder>; prints `ready <port>` once listening.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const [portText, folder] = process.argv.slice(2);
if (!portText || !folder) throw new Error('usage: smtp-receiver-main.ts <port> <folder>');
let received = 0;

const server = new SMTPServer({
  authOptional: true,
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const n = ++received;
        const file = join(folder, `${String(process.pid)}-${String(n).padStart(5, '0')}.json`);
        const record = {
          from: mail.from?.text ?? '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : '',
          secure: session.secure,
        };
        writeFileSync(`${file}.tmp`, JSON.stringify(record));
        renameSync(`${file}.tmp`, file);
        callback();
      })
      .catch((error: Error) => callback(error));
  },
});
server.listen(Number(portText), '127.0.0.1', () => process.stdout.write(`ready ${portText}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

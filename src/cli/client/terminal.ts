/**
 * Talking to the person at the terminal: prompts (a line, a hidden secret, a yes/no question) and
 * the spinner. A terminal counts as attached when stdin is a TTY, or when stderr is one and
 * `/dev/tty` opens (so `echo "$PW" | tokenhub login --password-stdin` can still ask for the 2FA
 * code). With stdin and stderr both redirected (scripts, CI, tests) nothing ever prompts.
 */
import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { ReadStream } from 'node:tty';

interface Terminal {
  input: ReadStream;
  output: NodeJS.WriteStream;
  close(): void;
}

function openTerminal(): Terminal | undefined {
  if (process.stdin.isTTY) {
    return { input: process.stdin as ReadStream, output: process.stderr, close: () => process.stdin.pause() };
  }
  if (!process.stderr.isTTY) return undefined;
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r');
  } catch {
    return undefined;
  }
  const input = new ReadStream(fd);
  return {
    input,
    output: process.stderr,
    close: () => {
      input.destroy();
      try {
        closeSync(fd);
      } catch {
        // already closed by destroy()
      }
    },
  };
}

/** Whether prompts can be shown (see the file comment). */
export function canPrompt(): boolean {
  const terminal = openTerminal();
  if (!terminal) return false;
  if (terminal.input !== process.stdin) terminal.close();
  return true;
}

/** Asks for one line of visible input. @throws Error when no terminal is attached. */
export async function promptLine(question: string): Promise<string> {
  const terminal = openTerminal();
  if (!terminal) throw new Error('no terminal to ask on');
  const lines = createInterface({ input: terminal.input, output: terminal.output, terminal: true });
  try {
    return (await lines.question(question)).trim();
  } finally {
    lines.close();
    terminal.close();
  }
}

/** Asks for a secret without echoing it. Ctrl-C aborts. @throws Error when no terminal is attached. */
export async function promptSecret(question: string): Promise<string> {
  const terminal = openTerminal();
  if (!terminal) throw new Error('no terminal to ask on');
  const { input, output } = terminal;
  // Echo goes off before the prompt shows, so nothing typed after the prompt is ever echoed.
  input.setRawMode(true);
  output.write(question);
  input.setEncoding('utf8');
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      input.on('data', (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n' || char === '\u0004') return resolve(value);
          if (char === '\u0003') return reject(new Error('interrupted'));
          if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
          else value += char;
        }
      });
    });
  } finally {
    input.removeAllListeners('data');
    input.setRawMode(false);
    output.write('\n');
    terminal.close();
  }
}

/** A yes/no question; only "y" or "yes" is a yes. */
export async function confirm(question: string): Promise<boolean> {
  return /^y(es)?$/i.test(await promptLine(`${question} [y/N] `));
}

/** A spinner on stderr, drawn only when stderr is a terminal. */
export function startSpinner(text: string): { stop(): void } {
  if (!process.stderr.isTTY) return { stop() {} };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const draw = () => process.stderr.write(`\r${frames[frame++ % frames.length]} ${text}`);
  draw();
  const timer = setInterval(draw, 100);
  return {
    stop() {
      clearInterval(timer);
      process.stderr.write('\r\x1b[K');
    },
  };
}

/** Reads all of stdin as text, without the final newline (`--password-stdin`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Mail bodies from the templates in `templates/`: `<name>.txt` (first line `Subject: …`, then the
 * plain-text body) and `<name>.html` (the HTML body, placed in `layout.html`). `{{key}}` is
 * replaced by a value (HTML-escaped in the HTML body); `{{{key}}}` inserts HTML the caller built
 * from escaped parts. A template never receives a secret: links carry single-use codes only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const templateNames = [
  'verify-email',
  'password-reset',
  'invite',
  'expiry-digest',
  'security-notice',
  'email-changed',
  'unused-expiry',
] as const;
export type TemplateName = (typeof templateNames)[number];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const folder = join(dirname(fileURLToPath(import.meta.url)), 'templates');
const loaded = new Map<string, string>();

function load(file: string): string {
  let text = loaded.get(file);
  if (text === undefined) {
    text = readFileSync(join(folder, file), 'utf8');
    loaded.set(file, text);
  }
  return text;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function fill(template: string, values: Readonly<Record<string, string>>, html: boolean): string {
  return template.replace(/\{\{(\{?)([a-z_]+)\}?\}\}/g, (_match, raw: string, key: string) => {
    const value = values[key] ?? '';
    return html && raw !== '{' ? escapeHtml(value) : value;
  });
}

/**
 * Renders template `name` with `values` (every `{{key}}` it names; a missing one renders empty).
 * @example renderMail('verify-email', { username: 'alice', email: 'a@example.com', link, public_url })
 */
export function renderMail(name: TemplateName, values: Readonly<Record<string, string>>): RenderedMail {
  const [subjectLine = '', ...body] = load(`${name}.txt`).split('\n');
  const subject = fill(subjectLine.replace(/^Subject: /, ''), values, false).replace(/[\r\n]+/g, ' ');
  const text = fill(body.join('\n'), values, false);
  const inner = fill(load(`${name}.html`), values, true);
  const html = fill(load('layout.html'), { ...values, subject, body: inner }, true);
  return { subject, text, html };
}

/**
 * A small HTTP client for the Hub API (PROTOCOLS.md §1): JSON in, JSON out, and every non-2xx
 * answer turned into an `ApiError` carrying the message the API gave (`message`, then `detail`,
 * then OAuth's `error_description` / `error`), so commands can print `tokenhub: <message>`.
 */
import { readFileSync } from 'node:fs';

export const cliVersion = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const userAgent = `tokenhub-cli/${cliVersion} (${process.platform}; node ${process.versions.node})`;

/** A refusal from the server. `code` is `errinfo.code` (org routes) or OAuth's `error`, when sent. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly body: Record<string, unknown>;

  constructor(status: number, message: string, code: string | undefined, body: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export interface RequestOptions {
  bearer?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded` (the OAuth routes). */
  form?: Record<string, string>;
  query?: Record<string, string | number>;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

function firstString(body: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = body[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** The one-line message of an error reply. */
export function errorMessageOf(status: number, body: Record<string, unknown>, headers: Headers): string {
  let message =
    firstString(body, 'message', 'detail', 'error_description', 'details', 'text', 'error') ??
    `the server answered HTTP ${status}`;
  message = message.replace(/\s*\n\s*/g, ' ');
  const retryAfter = headers.get('retry-after');
  if (status === 429 && retryAfter) message += ` (retry after ${retryAfter} s)`;
  return message;
}

/**
 * A sentence for a request that got no HTTP answer, naming what to check, never a bare
 * `ECONNREFUSED` or `UND_ERR_SOCKET`.
 */
export function unreachableMessage(server: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  const host = new URL(server).host;
  if (code === 'ECONNREFUSED') {
    return `cannot connect to ${server}: nothing is listening at ${host}. Is tokenhub running, and is the address right?`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `cannot connect to ${server}: the host name ${new URL(server).hostname} was not found. Check the address.`;
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ECONNRESET') {
    return `cannot connect to ${server}: the connection timed out or was cut. Check the address and your network.`;
  }
  if (/SSL|TLS|CERT|EPROTO/i.test(`${code} ${cause?.message ?? ''}`)) {
    return `cannot connect to ${server} over HTTPS (${cause?.message ?? code}). If the server has no TLS, use http://${host}.`;
  }
  if (
    code.startsWith('UND_ERR') ||
    code.startsWith('HPE_') ||
    /HTTP\/1\.1 protocol/.test(cause?.message ?? '')
  ) {
    return `${server} did not answer with HTTP: is ${host} the tokenhub address (and the right port)?`;
  }
  return `cannot connect to ${server}: ${cause?.message ?? (error as Error).message}`;
}

/**
 * Sends one request to `server` + `path`.
 * @throws ApiError on a non-2xx answer; Error naming the server when it cannot be reached.
 */
export async function apiRequest<T = unknown>(
  server: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const url = new URL(server + path);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, String(value));
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent };
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  let body: string | undefined;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body, redirect: 'error' });
  } catch (error) {
    throw new Error(unreachableMessage(server, error));
  }
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    const record = asRecord(parsed);
    const errinfo = asRecord(record.errinfo);
    const code = firstString(errinfo, 'code') ?? firstString(record, 'error');
    throw new ApiError(
      response.status,
      errorMessageOf(response.status, record, response.headers),
      code,
      record,
    );
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Every item of a Hub-style paginated list (`page`, `page_size` = 100, until `next` is null). */
export async function fetchAllPages<T>(
  request: (query: Record<string, number>) => Promise<{ results: T[]; next: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= 1000; page++) {
    const body = await request({ page, page_size: 100 });
    items.push(...body.results);
    if (!body.next || body.results.length === 0) break;
  }
  return items;
}

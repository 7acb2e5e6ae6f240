/**
 * The console's only way to the server: the Hub API, same origin, with the session cookie
 * (HttpOnly, so invisible here) and the CSRF token on every state-changing request. The CSRF token
 * lives in this module's memory only (never localStorage): a reload fetches it again from
 * `GET /v2/console/session`.
 */

import { inWords } from '../lib/field-words.ts';

/** A failed request, with the message a person should see (the API's `message`, then `detail`). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  /** The reply's `Retry-After`, in seconds, when it had one. */
  readonly retryAfterSeconds?: number;

  constructor(status: number, message: string, body: unknown, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * The server could not be reached (status 0), or it or a proxy in front of it answered 502, 503 or
   * 504: tokenhub is restarting or briefly down, and the same request may succeed a little later.
   */
  get unavailable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }

  /** One message per field for a validation error (`{fields: {name: [msg]}}`), else {}. */
  get fields(): Record<string, string[]> {
    const fields = isRecord(this.body) ? this.body.fields : undefined;
    return isRecord(fields) ? (fields as Record<string, string[]>) : {};
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const statusWords: Record<number, string> = {
  400: 'the request was not accepted',
  401: 'you are not signed in',
  403: 'you are not allowed to do this',
  404: 'not found',
  409: 'this conflicts with the current state',
  429: 'too many attempts; wait a little and try again',
};

/**
 * What to show for an error reply: Hub bodies carry `message` and `detail`, the registry shape
 * `details` or `errors[0].message`, a validation reply its field messages in words
 * (lib/field-words.ts). Never a bare status code, nor a proxy's HTML page (a body that is not JSON
 * is not read).
 */
export function errorMessage(status: number, body: unknown): string {
  if (isRecord(body)) {
    // A validation reply: its field messages in the labels' words, never the API's field names.
    if (isRecord(body.fields)) {
      const said = Object.entries(body.fields).flatMap(([field, messages]) =>
        Array.isArray(messages) ? messages.map((message) => inWords(field, String(message))) : [],
      );
      if (said.length) return said.join(' ');
    }
    for (const key of ['message', 'detail', 'details', 'text'] as const) {
      const value = body[key];
      if (typeof value === 'string' && value.trim() !== '') return value;
    }
    const errors = body.errors;
    if (Array.isArray(errors) && isRecord(errors[0]) && typeof errors[0].message === 'string') {
      return errors[0].message;
    }
  }
  if (status === 502 || status === 503 || status === 504) {
    return 'tokenhub is restarting or briefly unavailable; try again in a moment';
  }
  if (status >= 500) return 'tokenhub could not complete the request; try again in a moment';
  return `The server refused the request: ${statusWords[status] ?? 'unexpected reply'}`;
}

let csrfToken: string | undefined;

/** Kept in memory for the X-CSRF-Token header; set from the sign-in reply or the session read. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type Listener = () => void;
const sessionLostListeners = new Set<Listener>();

/** Called when a request answers 401 while signed in (the session expired or was ended). */
export function onSessionLost(listener: Listener): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** A 401 is an expected answer (sign-in steps), not a lost session. */
  expectUnauthorized?: boolean;
}

/** The path with its query string; empty and undefined values are left out. */
export function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Calls the Hub API. Resolves with the parsed JSON (undefined for 204); rejects with ApiError.
 * @example const me = await api<User>('GET', '/v2/users/me');
 */
export async function api<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'Could not reach tokenhub. Check your connection and try again.', undefined);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && !options.expectUnauthorized) {
      for (const listener of sessionLostListeners) listener();
    }
    const retryAfter = retryAfterSeconds(response.headers.get('retry-after'), Date.now());
    throw new ApiError(response.status, errorMessage(response.status, body), body, retryAfter);
  }
  return body as T;
}

/** `Retry-After` (RFC 9110 §10.2.3) in whole seconds from `now`: delay-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Every page of a Hub list (`page_size` 100), up to `maxPages`; for client-side sorting. */
export async function fetchAllPages<T>(
  path: string,
  read: (page: unknown) => { results: T[]; next: string | null },
  maxPages = 50,
): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const reply = read(await api<unknown>('GET', path, { query: { page, page_size: 100 } }));
    all.push(...reply.results);
    if (!reply.next) break;
  }
  return all;
}

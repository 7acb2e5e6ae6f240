import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  api,
  errorMessage,
  onSessionLost,
  retryAfterSeconds,
  setCsrfToken,
  withQuery,
} from '../../src/web/api/client.ts';
import { retryDelaySeconds } from '../../src/web/lib/session.tsx';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(undefined);
});

function reply(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('error messages', () => {
  it("shows the API's message, then its detail, never a bare status", () => {
    expect(errorMessage(400, { detail: 'd', message: 'm' })).toBe('m');
    expect(errorMessage(403, { detail: 'token issued from personal access token is not allowed' })).toBe(
      'token issued from personal access token is not allowed',
    );
    expect(errorMessage(401, { details: 'x', errors: [{ code: 'UNAUTHORIZED', message: 'y' }] })).toBe('x');
    expect(errorMessage(400, undefined)).not.toMatch(/400/);
    expect(errorMessage(500, undefined)).toMatch(/could not complete/);
    // A proxy's page (not JSON) while tokenhub restarts: a sentence, never its HTML.
    expect(errorMessage(502, undefined)).toBe(
      'tokenhub is restarting or briefly unavailable; try again in a moment',
    );
    expect(errorMessage(504, undefined)).toMatch(/restarting or briefly unavailable/);
    expect(errorMessage(503, { message: 'the database is unavailable' })).toBe('the database is unavailable');
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(retryAfterSeconds('5', now)).toBe(5);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 12:00:10 GMT', now)).toBe(10);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it("says a validation reply's field messages in the labels' words, never the API's field names", () => {
    const body = {
      fields: {
        token_label: ['token_label must be at most 100 characters'],
        expires_at: ['expires_at must be in the future'],
      },
      text: 'token_label must be at most 100 characters; expires_at must be in the future',
      message: 'token_label must be at most 100 characters; expires_at must be in the future',
    };
    expect(errorMessage(400, body)).toBe(
      'The access token description must be at most 100 characters. The expiration date must be in the future.',
    );
    expect(
      errorMessage(400, { fields: { 'rulesets.0.subject': ['rulesets.0.subject must not be empty'] } }),
    ).toBe('The subject pattern must not be empty.');
    expect(errorMessage(400, { fields: {}, message: 'the request is invalid' })).toBe(
      'the request is invalid',
    );
  });

  it('builds query strings without empty values', () => {
    expect(withQuery('/v2/x', { page: 2, action: '', name: undefined })).toBe('/v2/x?page=2');
    expect(withQuery('/v2/x', {})).toBe('/v2/x');
  });
});

describe('api()', () => {
  it('sends the CSRF token on changes only, and JSON bodies', async () => {
    const fetch = vi.fn(async () => reply(200, { ok: true }));
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('csrf-1');
    await api('GET', '/v2/access-tokens');
    await api('POST', '/v2/access-tokens', { body: { token_label: 'x' } });
    const [getCall, postCall] = fetch.mock.calls as unknown as [[string, RequestInit], [string, RequestInit]];
    expect((getCall[1].headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
    expect(postCall[1].headers).toMatchObject({
      'x-csrf-token': 'csrf-1',
      'content-type': 'application/json',
    });
    expect(postCall[1].body).toBe('{"token_label":"x"}');
    expect(postCall[1].credentials).toBe('same-origin');
  });

  it('rejects with the message and fields of a validation error', async () => {
    vi.stubGlobal('fetch', async () =>
      reply(400, {
        fields: { token_label: ['token_label must not be empty'] },
        text: 't',
        detail: 'd',
        message: 'm',
      }),
    );
    const error = await api('POST', '/v2/access-tokens', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('The access token description must not be empty.');
    expect((error as ApiError).fields).toEqual({ token_label: ['token_label must not be empty'] });
  });

  it('reports a lost session on 401, unless the 401 is expected', async () => {
    vi.stubGlobal('fetch', async () => reply(401, { detail: 'expired', message: 'expired' }));
    const lost = vi.fn();
    const stop = onSessionLost(lost);
    await api('GET', '/v2/access-tokens').catch(() => undefined);
    await api('POST', '/v2/console/session', { expectUnauthorized: true }).catch(() => undefined);
    stop();
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('explains a network failure', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api('GET', '/v2/users/me')).rejects.toThrow(/Could not reach tokenhub/);
  });

  it("marks a proxy's 503 page as unavailable, with its Retry-After, in a sentence", async () => {
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response('<html><body><h1>503 Service Unavailable</h1></body></html>', {
          status: 503,
          headers: { 'content-type': 'text/html', 'retry-after': '2' },
        }),
    );
    const error = await api('GET', '/v2/console/session').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, unavailable: true, retryAfterSeconds: 2 });
    expect((error as ApiError).message).not.toContain('<');
    expect(new ApiError(0, 'x', undefined).unavailable).toBe(true);
    expect(new ApiError(500, 'x', undefined).unavailable).toBe(false);
  });

  it('waits 3 s between session reads, or what Retry-After says within 1 to 30 s', () => {
    expect(retryDelaySeconds(undefined)).toBe(3);
    expect(retryDelaySeconds(0)).toBe(1);
    expect(retryDelaySeconds(7)).toBe(7);
    expect(retryDelaySeconds(3600)).toBe(30);
  });

  it('resolves undefined for 204', async () => {
    vi.stubGlobal('fetch', async () => new Response(null, { status: 204 }));
    await expect(api('DELETE', '/v2/access-tokens/x')).resolves.toBeUndefined();
  });
});

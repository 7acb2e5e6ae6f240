import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  api,
  errorMessage,
  onSessionLost,
  setCsrfToken,
  withQuery,
} from '../../src/web/api/client.ts';

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
    expect(errorMessage(502, 'Bad Gateway')).toMatch(/could not complete/);
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

  it('resolves undefined for 204', async () => {
    vi.stubGlobal('fetch', async () => new Response(null, { status: 204 }));
    await expect(api('DELETE', '/v2/access-tokens/x')).resolves.toBeUndefined();
  });
});

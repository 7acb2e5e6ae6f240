/**
 * Text that cannot be stored is refused at the edge, the same way on SQLite and PostgreSQL
 * (docs/security.md): a NUL character (PostgreSQL's text types cannot hold one), bytes that are not
 * UTF-8, and strings that are not well-formed Unicode (a lone surrogate from a JSON `\ud800`
 * escape). Every request's URL, query, path parameters and body pass here before their schema; a
 * bad one is a 400 naming the field, in the route's body shape, before any route code runs.
 */
import type { FastifyInstance } from 'fastify';
import { type AppError, fieldError } from '../core/errors.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes bytes that must be UTF-8.
 * @throws AppError VALIDATION_FAILED naming `field` when they are not.
 */
export function decodeUtf8(bytes: Uint8Array, field: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw fieldError(field, `${field} is not valid UTF-8`);
  }
}

/** Why `text` cannot be stored, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (!text.isWellFormed()) return 'is not valid Unicode';
  return undefined;
}

/** The first unstorable string in `value` (a parsed body, query or params), with its path. */
function findBadText(value: unknown, path: string, depth = 0): AppError | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? fieldError(path, `${path} ${problem}`) : undefined;
  }
  if (depth > 32 || typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = textProblem(key);
    if (keyProblem) return fieldError(path, `${path} has a field name that ${keyProblem}`);
    const found = findBadText(item, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * A `application/x-www-form-urlencoded` body decoded strictly: percent-escapes must spell UTF-8
 * (`URLSearchParams` would turn them into U+FFFD silently).
 * @throws AppError VALIDATION_FAILED
 */
export function parseFormStrictly(body: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const [rawKey = '', rawValue = ''] = pair.split(/=(.*)/s);
    const decode = (part: string) => {
      try {
        return decodeURIComponent(part.replaceAll('+', ' '));
      } catch {
        throw fieldError('body', 'the form is not valid UTF-8 percent-encoding');
      }
    };
    form[decode(rawKey)] = decode(rawValue);
  }
  return form;
}

/** Callback-style hooks: no promise per request on the hot path. */
export function registerTextInputChecks(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (!request.url.includes('%')) return done();
    try {
      decodeURIComponent(request.url);
    } catch {
      return done(fieldError('url', 'the URL is not valid UTF-8 percent-encoding'));
    }
    done();
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const bad =
      findBadText(request.params, 'path') ?? findBadText(request.query, '') ?? findBadText(request.body, '');
    done(bad);
  });
}

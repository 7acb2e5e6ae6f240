/**
 * JSON request bodies as Docker's clients send them. hub-tool and the Terraform provider send
 * `Content-Type: application/json` on every request, DELETE and GET included, with an empty body;
 * Docker Hub reads that as no body, so tokenhub does too (the route's schema then decides whether a
 * body was required). Anything else goes through Fastify's own JSON parser, with its protection
 * against prototype poisoning.
 *
 * The registry's notifications (`application/vnd.docker.distribution.events.v1+json`) and other
 * `+json` media types are parsed the same way. A body that is not UTF-8 is a 400 (text-input.ts).
 */
import type { FastifyInstance } from 'fastify';
import { decodeUtf8 } from './text-input.ts';

/** `application/json` and every structured `+json` type (RFC 6839). */
const jsonTypes = ['application/json', /^application\/[\w.+-]+\+json$/];

export function registerJsonParsing(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  for (const type of jsonTypes) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (request, body, done) => {
      let text: string;
      try {
        text = decodeUtf8(body as Buffer, 'body');
      } catch (error) {
        done(error as Error, undefined);
        return;
      }
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      parseJson(request, text, done);
    });
  }
}

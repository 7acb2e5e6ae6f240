/**
 * tokenhub's one outgoing HTTP client: it fetches OIDC issuer documents (discovery and key sets)
 * for services/oidc (`DocumentFetch`). HTTP lives in this layer; the service only sees answers.
 *
 * Every fetch is bounded: a deadline for the whole answer (`fetchTimeoutMs`, body included, so a
 * slow server cannot hold it), at most `maxIssuerDocumentBytes`, no redirects, `https` only (plain
 * `http` on loopback when allowed), and the address checked after DNS on the very connection it
 * is made to (`lookup`), so a name that resolves elsewhere the second time cannot reach a private
 * address. Any failure rejects with an `IssuerDocumentError` saying why.
 */

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { OidcSettings } from '../config.ts';
import { maxIssuerDocumentBytes } from '../core/oidc-rules.ts';
import type { DocumentFetch } from '../services/oidc/issuer-keys.ts';
import {
  assertAddressAllowed,
  assertFetchableUrl,
  IssuerDocumentError,
} from '../services/oidc/issuer-policy.ts';

export function createIssuerDocumentFetch(settings: OidcSettings): DocumentFetch {
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      try {
        for (const { address } of addresses) assertAddressAllowed(settings, hostname, address);
      } catch (refused) {
        return callback(refused as Error, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new IssuerDocumentError(`${hostname} has no address`), '', 0);
      return callback(null, first.address, first.family);
    });
  };

  return (target, init) =>
    new Promise<Response>((resolve, reject) => {
      let url: URL;
      try {
        url = assertFetchableUrl(settings, target);
        const literal = url.hostname.replace(/^\[|\]$/g, '');
        if (isIP(literal)) assertAddressAllowed(settings, url.hostname, literal);
      } catch (error) {
        reject(error);
        return;
      }
      const where = `${url.origin}${url.pathname}`.slice(0, 300);
      const fail = (message: string) => new IssuerDocumentError(`${where}: ${message}`);
      // Why this fetch was cut short; Node may report the teardown with an error of its own.
      let refusal: IssuerDocumentError | undefined;
      const refuse = (message: string) => {
        refusal ??= fail(message);
        req.destroy(refusal);
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'tokenhub-oidc' };
      init.headers?.forEach((value, name) => {
        headers[name] = value;
      });
      const req = send(url, { method: 'GET', headers, lookup: guardedLookup, agent: false });
      // The caller's signal is a deadline too (jose's); either way the answer is the same sentence.
      const late = () => refuse(`no complete answer within ${settings.fetchTimeoutMs} ms`);
      const deadline = setTimeout(late, settings.fetchTimeoutMs);
      if (init.signal.aborted) late();
      init.signal.addEventListener('abort', late, { once: true });
      const settle = () => {
        clearTimeout(deadline);
        init.signal.removeEventListener('abort', late);
      };
      req.on('error', (error: Error & { code?: string }) => {
        settle();
        if (refusal) reject(refusal);
        else if (error instanceof IssuerDocumentError) reject(error);
        else reject(fail(`could not fetch (${error.code ?? error.message})`));
      });
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          const location = String(res.headers.location ?? '').slice(0, 200);
          return refuse(`answered ${status} with a redirect to ${location}; redirects are not followed`);
        }
        if (status !== 200) return refuse(`answered HTTP ${status}, expected 200`);
        const declared = Number(res.headers['content-length']);
        if (declared > maxIssuerDocumentBytes) {
          return refuse(`is ${declared} bytes, larger than ${maxIssuerDocumentBytes}`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxIssuerDocumentBytes) refuse(`is larger than ${maxIssuerDocumentBytes} bytes`);
          else chunks.push(chunk);
        });
        res.on('end', () => {
          settle();
          if (refusal) return;
          resolve(
            new Response(Buffer.concat(chunks), {
              status: 200,
              headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') },
            }),
          );
        });
        res.on('error', () => {});
      });
      req.end();
    });
}

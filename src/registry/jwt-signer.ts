import type { KeyObject } from 'node:crypto';
import { sign } from 'node:crypto';

/**
 * ES256 JWT signer for the registry token endpoint, the hot path of every pull and push.
 *
 * Shapes the distribution 2.8 registry forces (PROTOCOLS.md §2, `registry/auth/token/token.go`):
 * - header `{"alg":"ES256","typ":"JWT","kid":<libtrust key id>}`; the registry looks the key up by
 *   `kid` among its `rootcertbundle` certificates;
 * - the signature is raw `r||s` (64 bytes, JWS RFC 7518 §3.4); a DER signature is rejected;
 * - `aud` is a single string (2.8 rejects an array) and the times are integer seconds.
 *
 * The header never changes for a key, so it is encoded once; `sign` costs one JSON.stringify, two
 * base64url encodings and one ECDSA signature.
 */

export type RegistryAccessEntry = { type: string; name: string; actions: string[] };

export type RegistryClaims = {
  /** Must equal the registry's `auth.token.issuer` exactly. */
  iss: string;
  /** The account name, or empty for an anonymous token. */
  sub: string;
  /** The registry's `auth.token.service`; a single string, never an array. */
  aud: string;
  /** Expiry, Unix seconds (integer, required). */
  exp: number;
  /** Not before, Unix seconds (integer). */
  nbf: number;
  /** Issued at, Unix seconds (integer). */
  iat: number;
  /** Unique token id. */
  jti: string;
  /** The grant; `[]` still passes `GET /v2/` (how `docker login` checks credentials). */
  access: RegistryAccessEntry[];
};

export type RegistryJwtSigner = {
  readonly keyId: string;
  /** Returns the compact JWS. @throws TypeError if `exp`, `nbf` or `iat` is not an integer. */
  sign(claims: RegistryClaims): string;
};

/**
 * @param key an EC P-256 private key and its libtrust key id (see `loadSigningKey`).
 * @throws TypeError when the key is not a P-256 private key.
 * @example
 *   const signer = createRegistryJwtSigner(loadSigningKey(keyPem, certPem));
 *   const token = signer.sign({ iss, sub: 'alice', aud: service, exp, nbf, iat, jti, access });
 */
export function createRegistryJwtSigner(key: { privateKey: KeyObject; keyId: string }): RegistryJwtSigner {
  const { privateKey, keyId } = key;
  if (
    privateKey.type !== 'private' ||
    privateKey.asymmetricKeyType !== 'ec' ||
    privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new TypeError('ES256 needs an EC P-256 private key');
  }
  const encodedHeader = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: keyId }));

  return {
    keyId,
    sign(claims) {
      for (const field of ['exp', 'nbf', 'iat'] as const) {
        if (!Number.isSafeInteger(claims[field])) {
          throw new TypeError(`JWT claim ${field} must be integer seconds, got ${claims[field]}`);
        }
      }
      // Listed field by field so that extra properties on the argument never reach the token.
      const payload = {
        iss: claims.iss,
        sub: claims.sub,
        aud: claims.aud,
        exp: claims.exp,
        nbf: claims.nbf,
        iat: claims.iat,
        jti: claims.jti,
        access: claims.access,
      };
      const signingInput = `${encodedHeader}.${base64url(JSON.stringify(payload))}`;
      const signature = sign('sha256', Buffer.from(signingInput), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return `${signingInput}.${signature.toString('base64url')}`;
    },
  };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

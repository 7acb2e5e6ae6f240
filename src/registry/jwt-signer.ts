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
 *
 * `crypto.sign` is given the bare KeyObject and its DER signature is turned into `r||s` here:
 * passing `{ key, dsaEncoding: 'ieee-p1363' }` instead measured about twice the time per signature
 * in Node 24 (bench/README.md).
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
  /**
   * The same, with the ECDSA signature computed on libuv's thread pool (`crypto.sign` with a
   * callback): the event loop goes on serving while it runs. A little more CPU in all than `sign`,
   * but `/token` answers more requests with it (bench/README.md).
   */
  signAsync(claims: RegistryClaims): Promise<string>;
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

  const signingInputOf = (claims: RegistryClaims): string => {
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
    return `${encodedHeader}.${base64url(JSON.stringify(payload))}`;
  };
  return {
    keyId,
    sign(claims) {
      const signingInput = signingInputOf(claims);
      const signature = derToP1363(sign('sha256', Buffer.from(signingInput), privateKey));
      return `${signingInput}.${signature.toString('base64url')}`;
    },
    async signAsync(claims) {
      const signingInput = signingInputOf(claims);
      return new Promise((resolve, reject) => {
        sign('sha256', Buffer.from(signingInput), privateKey, (error, der) => {
          if (error) reject(error);
          else resolve(`${signingInput}.${derToP1363(der).toString('base64url')}`);
        });
      });
    },
  };
}

const p256Bytes = 32;

/**
 * An ECDSA P-256 signature from DER (`SEQUENCE { INTEGER r, INTEGER s }`, RFC 3279) to the JWS
 * form, `r||s` with each left-padded to 32 bytes (RFC 7518 §3.4). A DER integer is minimal: it
 * drops leading zero bytes and adds one when the high bit is set, so each may be 1 to 33 bytes.
 * @throws TypeError on anything that is not such a signature.
 */
export function derToP1363(der: Buffer): Buffer {
  const out = Buffer.alloc(2 * p256Bytes);
  if (der[0] !== 0x30 || der[1] === undefined || der[1] & 0x80 || der[1] !== der.length - 2) {
    throw new TypeError('not a DER ECDSA signature');
  }
  let at = 2;
  for (let i = 0; i < 2; i++) {
    const length = der[at + 1] ?? 0;
    if (der[at] !== 0x02 || length < 1 || at + 2 + length > der.length) {
      throw new TypeError('not a DER ECDSA signature');
    }
    let start = at + 2;
    let size = length;
    while (size > p256Bytes && der[start] === 0) {
      start++;
      size--;
    }
    if (size > p256Bytes) throw new TypeError('ECDSA signature component longer than 32 bytes');
    der.copy(out, i * p256Bytes + p256Bytes - size, start, start + size);
    at += 2 + length;
  }
  return out;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

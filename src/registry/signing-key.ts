import type { KeyObject } from 'node:crypto';
import { createPrivateKey, generateKeyPair, randomBytes, sign, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { libtrustKeyId } from './libtrust-key-id.ts';

/**
 * The registry token signing key. distribution 2.8 trusts only keys whose X.509 **certificate** is in
 * its `rootcertbundle` (a bare public key is refused at startup) and finds the key by the JWT's
 * `kid`, the libtrust key id (PROTOCOLS.md §2). So a signing key is a P-256 private key plus a
 * self-signed certificate for it. The certificate's dates are enforced only for `x5c` headers, which
 * tokenhub does not send, so the default validity is long.
 *
 * The certificate is encoded here (RFC 5280, a fixed shape: v3, ecdsa-with-SHA256, CN-only names,
 * basicConstraints and keyUsage) and signed with node:crypto. `@peculiar/x509` 2.x cannot be
 * imported without a global `Reflect` metadata polyfill, which production code should not install.
 */

export type SigningKeyMaterial = {
  /** PKCS#8 PEM. Secret: store it like a password. */
  privateKeyPem: string;
  /** One self-signed X.509 certificate, PEM; goes into the registry's `rootcertbundle`. */
  certificatePem: string;
  /** libtrust key id of the key, the JWT `kid`. */
  keyId: string;
};

export type LoadedSigningKey = {
  /** P-256 private key, ready for `crypto.sign`. */
  privateKey: KeyObject;
  keyId: string;
  /** The certificate, normalized PEM. */
  certificatePem: string;
};

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/**
 * Creates a new P-256 key and a self-signed certificate for it (ECDSA with SHA-256), valid from one
 * hour before `now` (clock skew between tokenhub and the registry host) to `now + validityDays`,
 * both truncated to whole seconds (DER times have no fractions).
 *
 * @param options.commonName subject and issuer CN, e.g. `tokenhub token signer 2025-06`.
 * @param options.now injected clock.
 * @param options.validityDays whole days, default 3650.
 * @throws RangeError for an empty name or a validity that is not a positive integer.
 */
export async function createSigningKey(options: {
  commonName: string;
  now: Date;
  validityDays?: number;
}): Promise<SigningKeyMaterial> {
  const validityDays = options.validityDays ?? 3650;
  if (!Number.isInteger(validityDays) || validityDays < 1) {
    throw new RangeError(`validityDays must be a positive integer, got ${validityDays}`);
  }
  if (options.commonName.length === 0) throw new RangeError('commonName must not be empty');

  const { privateKey, publicKey } = await promisify(generateKeyPair)('ec', { namedCurve: 'P-256' });
  const certificateDer = selfSignedCertificate({
    privateKey,
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    commonName: options.commonName,
    notBefore: new Date(options.now.getTime() - hourMs),
    notAfter: new Date(options.now.getTime() + validityDays * dayMs),
  });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: toPem('CERTIFICATE', certificateDer),
    keyId: libtrustKeyId(publicKey),
  };
}

/**
 * Loads a signing key from PEM (PKCS#8 or SEC1 private key; exactly one certificate) and checks that
 * the key is P-256 (the signer emits ES256 only) and that the certificate belongs to it, so a wrong
 * pairing fails at startup instead of as a registry 401 on every token.
 *
 * @throws Error naming what is wrong.
 */
export function loadSigningKey(privateKeyPem: string, certificatePem: string): LoadedSigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the registry signing key must be an EC P-256 private key (ES256)');
  }
  const certificateCount = certificatePem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (certificateCount !== 1) {
    throw new Error(`expected exactly one certificate for the signing key, found ${certificateCount}`);
  }
  const certificate = new X509Certificate(certificatePem);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new Error('the signing certificate does not belong to the signing key');
  }
  return { privateKey, keyId: libtrustKeyId(privateKey), certificatePem: certificate.toString() };
}

// --- RFC 5280 certificate, DER (X.690) -------------------------------------------------------

const oid = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
} as const;

function selfSignedCertificate(input: {
  privateKey: KeyObject;
  spki: Buffer;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}): Buffer {
  // ecdsa-with-SHA256 has no parameters field at all (RFC 5758 §3.2).
  const signatureAlgorithm = sequence(objectIdentifier(oid.ecdsaWithSha256));
  const name = sequence(
    set(sequence(objectIdentifier(oid.commonName), tlv(0x0c, Buffer.from(input.commonName)))),
  );
  const tbsCertificate = sequence(
    tlv(0xa0, integer(Buffer.of(2))), // [0] EXPLICIT version v3
    integer(positiveSerialNumber()),
    signatureAlgorithm,
    name,
    sequence(time(input.notBefore), time(input.notAfter)),
    name,
    input.spki,
    tlv(
      0xa3, // [3] EXPLICIT extensions
      sequence(
        extension(oid.basicConstraints, sequence()), // cA: FALSE (the default, so omitted)
        extension(oid.keyUsage, tlv(0x03, Buffer.of(7, 0x80))), // digitalSignature only
      ),
    ),
  );
  // The certificate signature is DER ECDSA (unlike the JWT's raw r||s).
  const signature = sign('sha256', tbsCertificate, input.privateKey);
  return sequence(tbsCertificate, signatureAlgorithm, tlv(0x03, Buffer.concat([Buffer.of(0), signature])));
}

/** 16 random bytes; first byte non-zero with the top bit clear: a positive, minimal DER INTEGER. */
function positiveSerialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes;
}

/** A critical extension (both of ours must be understood by any verifier). */
function extension(id: string, value: Buffer): Buffer {
  return sequence(objectIdentifier(id), tlv(0x01, Buffer.of(0xff)), tlv(0x04, value));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5), whole seconds, UTC. */
function time(date: Date): Buffer {
  const digits = date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-T:]/g, '');
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2)))
    : tlv(0x18, Buffer.from(digits));
}

function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(unsignedBigEndian: Buffer): Buffer {
  return tlv(0x02, unsignedBigEndian);
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

/** Tag, definite length (short form below 128, else long form), value. */
function tlv(tag: number, value: Buffer): Buffer {
  let length: number[];
  if (value.length < 0x80) {
    length = [value.length];
  } else {
    length = [];
    for (let rest = value.length; rest > 0; rest >>>= 8) length.unshift(rest & 0xff);
    length.unshift(0x80 | length.length);
  }
  return Buffer.concat([Buffer.of(tag, ...length), value]);
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

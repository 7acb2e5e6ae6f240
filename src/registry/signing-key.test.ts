import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasBinary } from '../../test/support/clients.ts';
import { libtrustKeyId } from './libtrust-key-id.ts';
import { createSigningKey, loadSigningKey } from './signing-key.ts';

const now = new Date('2025-06-01T12:00:00Z');

describe('createSigningKey', () => {
  it('creates a P-256 key with a self-signed certificate that matches it', async () => {
    const material = await createSigningKey({ commonName: 'tokenhub test signer', now });
    const certificate = new X509Certificate(material.certificatePem);
    const publicKey = createPublicKey(material.privateKeyPem);

    expect(material.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(certificate.subject).toBe('CN=tokenhub test signer');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(material.privateKeyPem))).toBe(true);
    expect(certificate.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      publicKey.export({ type: 'spki', format: 'der' }),
    );
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(material.keyId).toBe(libtrustKeyId(certificate.publicKey));
    expect(certificate.ca).toBe(false);
  });

  it('is valid from an hour before now for validityDays (default 3650)', async () => {
    const longLived = new X509Certificate((await createSigningKey({ commonName: 'a', now })).certificatePem);
    expect(new Date(longLived.validFrom).toISOString()).toBe('2025-06-01T11:00:00.000Z');
    expect(new Date(longLived.validTo).toISOString()).toBe('2035-05-30T12:00:00.000Z');

    const short = new X509Certificate(
      (await createSigningKey({ commonName: 'a', now, validityDays: 2 })).certificatePem,
    );
    expect(new Date(short.validTo).toISOString()).toBe('2025-06-03T12:00:00.000Z');
  });

  it.skipIf(!hasBinary('openssl'))(
    'is a well-formed certificate for openssl too (verifies against itself)',
    async () => {
      const material = await createSigningKey({ commonName: 'tokenhub, "quoted" signer', now: new Date() });
      const dir = mkdtempSync(join(tmpdir(), 'tokenhub-cert-'));
      try {
        const file = join(dir, 'signer.crt');
        writeFileSync(file, material.certificatePem);
        const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
        expect(text).toContain('Version: 3');
        expect(text).toContain('ecdsa-with-SHA256');
        expect(text).toContain('Digital Signature');
        expect(text).toContain('CA:FALSE');
        const verified = execFileSync('openssl', ['verify', '-CAfile', file, file], { encoding: 'utf8' });
        expect(verified.trim()).toBe(`${file}: OK`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('encodes dates from 2050 on as GeneralizedTime', async () => {
    const material = await createSigningKey({ commonName: 'a', now, validityDays: 365 * 30 });
    expect(new Date(new X509Certificate(material.certificatePem).validTo).getUTCFullYear()).toBe(2055);
  });

  it('creates a different key every time', async () => {
    const [a, b] = await Promise.all([
      createSigningKey({ commonName: 'a', now }),
      createSigningKey({ commonName: 'a', now }),
    ]);
    expect(a.keyId).not.toBe(b.keyId);
    expect(new X509Certificate(a.certificatePem).serialNumber).not.toBe(
      new X509Certificate(b.certificatePem).serialNumber,
    );
  });

  it('refuses a bad validity or an empty name', async () => {
    await expect(createSigningKey({ commonName: 'a', now, validityDays: 0 })).rejects.toThrow(RangeError);
    await expect(createSigningKey({ commonName: 'a', now, validityDays: 1.5 })).rejects.toThrow(RangeError);
    await expect(createSigningKey({ commonName: '', now })).rejects.toThrow(RangeError);
  });
});

describe('loadSigningKey', () => {
  it('loads what createSigningKey made', async () => {
    const material = await createSigningKey({ commonName: 'a', now });
    const loaded = loadSigningKey(material.privateKeyPem, material.certificatePem);
    expect(loaded.keyId).toBe(material.keyId);
    expect(loaded.privateKey.type).toBe('private');
    expect(new X509Certificate(loaded.certificatePem).fingerprint256).toBe(
      new X509Certificate(material.certificatePem).fingerprint256,
    );
  });

  it('refuses a certificate of another key', async () => {
    const [a, b] = await Promise.all([
      createSigningKey({ commonName: 'a', now }),
      createSigningKey({ commonName: 'b', now }),
    ]);
    expect(() => loadSigningKey(a.privateKeyPem, b.certificatePem)).toThrow(/does not belong/);
  });

  it('refuses a bundle where one certificate is expected', async () => {
    const a = await createSigningKey({ commonName: 'a', now });
    expect(() => loadSigningKey(a.privateKeyPem, a.certificatePem + a.certificatePem)).toThrow(/exactly one/);
    expect(() => loadSigningKey(a.privateKeyPem, '')).toThrow(/exactly one/);
  });

  it('refuses a key that is not P-256', async () => {
    const a = await createSigningKey({ commonName: 'a', now });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    for (const key of [rsa, p384]) {
      expect(() =>
        loadSigningKey(key.export({ type: 'pkcs8', format: 'pem' }).toString(), a.certificatePem),
      ).toThrow(/P-256/);
    }
  });
});

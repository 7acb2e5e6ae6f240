import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasBinary } from '../../test/support/clients.ts';
import { base32NoPadding, libtrustKeyId } from './libtrust-key-id.ts';

describe('libtrustKeyId', () => {
  it('matches the test vector from the distribution docs', () => {
    const publicKey = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: 'm7zUpx3b-zmVE5cymSs64POG9QcyEpJaYCD82-549_Q',
        y: 'dU3biz8sZ_8GPB-odm8Wxz3lNDr1xcAQQPQaOcr1fmc',
      },
      format: 'jwk',
    });
    expect(libtrustKeyId(publicKey)).toBe('PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6');
  });

  it('gives the same id for a private key and its public half', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = libtrustKeyId(privateKey);
    expect(id).toMatch(/^[A-Z2-7]{4}(?::[A-Z2-7]{4}){11}$/);
    expect(libtrustKeyId(publicKey)).toBe(id);
    expect(libtrustKeyId(createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })))).toBe(id);
  });

  it.skipIf(!hasBinary('openssl') || !hasBinary('base32'))(
    'agrees with the openssl | base32 shell recipe',
    () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const der = publicKey.export({ type: 'spki', format: 'der' });
      const expected = execFileSync(
        'sh',
        ['-c', 'openssl dgst -sha256 -binary | head -c 30 | base32 -w0 | fold -w4 | paste -sd:'],
        { input: der, encoding: 'utf8' },
      ).trim();
      expect(libtrustKeyId(publicKey)).toBe(expected);
    },
  );

  it('refuses a symmetric key', () => {
    expect(() => libtrustKeyId(createSecretKey(Buffer.alloc(32)))).toThrow(TypeError);
  });
});

describe('base32NoPadding', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('encodes the RFC 4648 vector %j', (input, output) => {
    expect(base32NoPadding(Buffer.from(input))).toBe(output);
  });

  it('encodes 30 bytes to 48 characters', () => {
    expect(base32NoPadding(new Uint8Array(30).fill(0xff))).toBe('7'.repeat(48));
  });
});

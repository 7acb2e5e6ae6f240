import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegistryClaims } from './jwt-signer.ts';
import { createRegistryJwtSigner, derToP1363 } from './jwt-signer.ts';
import type { LoadedSigningKey } from './signing-key.ts';
import { createSigningKey, loadSigningKey } from './signing-key.ts';

const nowSeconds = Math.floor(Date.now() / 1000);

function claims(overrides: Partial<RegistryClaims> = {}): RegistryClaims {
  return {
    iss: 'tokenhub-test',
    sub: 'alice',
    aud: 'tokenhub-registry',
    exp: nowSeconds + 300,
    nbf: nowSeconds - 1,
    iat: nowSeconds,
    jti: 'c0ffee',
    access: [{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }],
    ...overrides,
  };
}

describe('createRegistryJwtSigner', () => {
  let key: LoadedSigningKey;
  beforeAll(async () => {
    const material = await createSigningKey({ commonName: 'tokenhub test signer', now: new Date() });
    key = loadSigningKey(material.privateKeyPem, material.certificatePem);
  });

  it('signs an ES256 JWT that jose verifies with the public key', async () => {
    const token = createRegistryJwtSigner(key).sign(claims());
    const { payload, protectedHeader } = await jwtVerify(token, createPublicKey(key.privateKey), {
      algorithms: ['ES256'],
      issuer: 'tokenhub-test',
      audience: 'tokenhub-registry',
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.keyId });
    expect(payload).toEqual(claims());
    expect(typeof payload.aud).toBe('string');
  });

  it('uses a raw r||s signature of 64 bytes, not DER', () => {
    const token = createRegistryJwtSigner(key).sign(claims());
    const signature = Buffer.from(token.split('.')[2] ?? '', 'base64url');
    expect(signature).toHaveLength(64);
    expect(
      verify(
        'sha256',
        Buffer.from(token.split('.').slice(0, 2).join('.')),
        {
          key: createPublicKey(key.privateKey),
          dsaEncoding: 'ieee-p1363',
        },
        signature,
      ),
    ).toBe(true);
  });

  it('signs the same token on the thread pool (signAsync)', async () => {
    const token = await createRegistryJwtSigner(key).signAsync(claims());
    const { payload, protectedHeader } = await jwtVerify(token, createPublicKey(key.privateKey), {
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.keyId });
    expect(payload).toEqual(claims());
    expect(Buffer.from(token.split('.')[2] ?? '', 'base64url')).toHaveLength(64);
    await expect(createRegistryJwtSigner(key).signAsync(claims({ exp: 1.5 }))).rejects.toThrow(TypeError);
  });

  it('puts the libtrust key id in the header and exposes it', () => {
    const signer = createRegistryJwtSigner(key);
    expect(signer.keyId).toBe(key.keyId);
    expect(decodeProtectedHeader(signer.sign(claims())).kid).toBe(key.keyId);
  });

  it('keeps an empty grant (GET /v2/ needs none) and drops unknown properties', async () => {
    const withExtra = { ...claims({ access: [] }), admin: true };
    const token = createRegistryJwtSigner(key).sign(withExtra);
    const { payload } = await jwtVerify(token, createPublicKey(key.privateKey));
    expect(payload.access).toEqual([]);
    expect(payload).not.toHaveProperty('admin');
  });

  it('refuses non-integer times', () => {
    const signer = createRegistryJwtSigner(key);
    expect(() => signer.sign(claims({ exp: nowSeconds + 0.5 }))).toThrow(TypeError);
    expect(() => signer.sign(claims({ iat: Number.NaN }))).toThrow(/iat/);
  });

  it('refuses a key that cannot make ES256', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const privateKey of [p384.privateKey, rsa.privateKey, createPublicKey(key.privateKey)]) {
      expect(() => createRegistryJwtSigner({ privateKey, keyId: 'x' })).toThrow(TypeError);
    }
    expect(() =>
      createRegistryJwtSigner({
        privateKey: createPrivateKey(key.privateKey.export({ type: 'sec1', format: 'pem' })),
        keyId: key.keyId,
      }),
    ).not.toThrow();
  });
});

describe('derToP1363', () => {
  it('turns 2,000 DER signatures into raw r||s that verify', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 2000; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = derToP1363(sign('sha256', data, privateKey));
      expect(raw).toHaveLength(64);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
  });

  it('left-pads short integers and drops the sign byte of long ones', () => {
    const r = Buffer.from([0x00, 0x80, ...Array(31).fill(1)]); // 33 bytes: sign byte + 32
    const s = Buffer.from([0x05]); // 1 byte
    const der = Buffer.from([0x30, 4 + r.length + s.length, 0x02, r.length, ...r, 0x02, 1, ...s]);
    const raw = derToP1363(der);
    expect(raw.subarray(0, 32)).toEqual(r.subarray(1));
    expect(raw.subarray(32)).toEqual(Buffer.from([...Array(31).fill(0), 0x05]));
  });

  it('refuses what is not a DER signature', () => {
    expect(() => derToP1363(Buffer.alloc(64))).toThrow(TypeError);
    expect(() => derToP1363(Buffer.from([0x30, 3, 0x02, 5, 1]))).toThrow(TypeError);
  });
});

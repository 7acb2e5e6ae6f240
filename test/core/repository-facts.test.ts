import { describe, expect, it } from 'vitest';
import { contentTypesOf, isManifestMediaType, tagActivity } from '../../src/core/repository-facts.ts';

const now = new Date('2026-03-31T00:00:00.000Z');

describe('tagActivity', () => {
  it.each([
    [undefined, 'active'],
    [{ pushedAt: null, pulledAt: null }, 'active'],
    [{ pushedAt: '2026-03-01T00:00:00.000Z', pulledAt: null }, 'active'],
    [{ pushedAt: '2026-02-28T23:59:59.999Z', pulledAt: null }, 'inactive'],
    [{ pushedAt: '2025-01-01T00:00:00.000Z', pulledAt: '2026-03-30T00:00:00.000Z' }, 'active'],
    [{ pushedAt: null, pulledAt: '2026-01-01T00:00:00.000Z' }, 'inactive'],
    [{ pushedAt: '2026-04-02T00:00:00.000Z', pulledAt: null }, 'active'],
  ] as const)('%j → %s', (facts, status) => {
    expect(tagActivity(facts, now)).toBe(status);
  });
});

describe('content and manifest types', () => {
  it('calls image manifests and indexes images, anything else unrecognized', () => {
    expect(contentTypesOf([])).toEqual([]);
    expect(
      contentTypesOf([
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ]),
    ).toEqual(['image']);
    expect(contentTypesOf(['application/vnd.cncf.helm.config.v1+json'])).toEqual(['unrecognized']);
  });

  it('tells manifests from blobs', () => {
    expect(isManifestMediaType('application/vnd.oci.image.manifest.v1+json')).toBe(true);
    expect(isManifestMediaType('application/vnd.docker.distribution.manifest.list.v2+json')).toBe(true);
    expect(isManifestMediaType('application/vnd.oci.image.layer.v1.tar+gzip')).toBe(false);
    expect(isManifestMediaType('application/octet-stream')).toBe(false);
  });
});

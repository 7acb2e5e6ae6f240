/**
 * Reads what the registry holds (its tag lists and manifests) for the Hub API's tag routes, and
 * deletes a tag's manifest for them. The registry trusts only tokens tokenhub signs, so tokenhub
 * signs itself one for each call: a 60-second token for `repository:<name>:pull` (`pull,delete` to
 * delete) with subject `tokenhub:hub-api`, issued exactly
 * like the tokens of `/token` (PROTOCOLS.md §2); the registry's notifications of these reads are
 * not counted as pulls. Calls time out after `timeoutMs`; a registry that does not
 * answer is `REGISTRY_UNAVAILABLE` (502), never a hang.
 *
 * Sizes follow Docker Hub: an image's size is the sum of its compressed layers; a tag's full size
 * the sum over the images it names (one for an image manifest, one per platform for an index).
 */
import { AppError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { hubReaderSubject } from '../core/repository-facts.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import type { RegistrySigner } from './signing-keys.service.ts';

/** One platform's image of a tag. */
export interface RegistryImage {
  digest: string;
  architecture: string;
  os: string;
  variant: string;
  osVersion: string;
  size: number;
  layers: { digest: string; size: number }[];
}

/** A manifest as the registry stores it. */
export interface RawManifest {
  bytes: Uint8Array;
  mediaType: string;
}

/** What a tag names in the registry. */
export interface RegistryTag {
  name: string;
  digest: string;
  mediaType: string;
  fullSize: number;
  images: RegistryImage[];
}

const indexTypes = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const manifestAccept = [
  ...indexTypes,
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Manifests fetched at once while describing a page of tags. */
const parallelReads = 8;
const tokenLifetimeSeconds = 60;

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { architecture?: string; os?: string; variant?: string; 'os.version'?: string };
  annotations?: Record<string, string>;
}

interface Manifest {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

export class RegistryReader {
  readonly #ctx: ServiceContext;
  readonly #signer: RegistrySigner;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(ctx: ServiceContext, signer: RegistrySigner, baseUrl: string, timeoutMs = 5000) {
    this.#ctx = ctx;
    this.#signer = signer;
    this.#baseUrl = baseUrl;
    this.#timeoutMs = timeoutMs;
  }

  /** Every tag name of `repository`, as the registry orders them; none for a repository it does not have. */
  async tagNames(repository: string): Promise<string[]> {
    const token = await this.#token(repository);
    const names: string[] = [];
    let next: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    while (next) {
      const response: Response = await this.#get(next, token);
      if (response.status === 404) return [];
      const body = (await response.json()) as { tags?: string[] | null };
      names.push(...(body.tags ?? []));
      next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    }
    return names;
  }

  /** What each tag names, in the order given; a tag the registry no longer has is left out. */
  async describeTags(repository: string, tags: readonly string[]): Promise<RegistryTag[]> {
    const token = await this.#token(repository);
    const described = await mapLimited(tags, parallelReads, (tag) => this.#describe(repository, tag, token));
    return described.filter((tag): tag is RegistryTag => tag !== undefined);
  }

  /** The digest of the manifest each tag names (HEAD requests); tags the registry does not have are left out. */
  async tagDigests(repository: string, tags: readonly string[]): Promise<Map<string, string>> {
    const token = await this.#token(repository);
    const digests = await mapLimited(tags, parallelReads, async (tag) => {
      const response = await this.#request(
        'HEAD',
        `/v2/${repository}/manifests/${encodeURIComponent(tag)}`,
        token,
        manifestAccept,
      );
      return response.status === 404
        ? undefined
        : (response.headers.get('docker-content-digest') ?? undefined);
    });
    const found = new Map<string, string>();
    tags.forEach((tag, index) => {
      const digest = digests[index];
      if (digest) found.set(tag, digest);
    });
    return found;
  }

  /**
   * Deletes the manifest `digest` of `repository`, which removes every tag naming it: the registry
   * (distribution 2.8) deletes manifests by digest and has no tag delete. Its layers stay until the
   * registry's garbage collection.
   * @returns false when the registry does not have it.
   * @throws AppError TAG_DELETE_REFUSED when the registry does not allow deletes; REGISTRY_UNAVAILABLE.
   */
  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    const token = await this.#token(repository, ['pull', 'delete']);
    const response = await this.#request(
      'DELETE',
      `/v2/${repository}/manifests/${digest}`,
      token,
      undefined,
      [405],
    );
    if (response.status === 405) {
      throw new AppError(
        'TAG_DELETE_REFUSED',
        'the registry does not allow deletes: set storage.delete.enabled: true in its configuration',
      );
    }
    return response.status !== 404;
  }

  /** The manifest `digest` as stored (its bytes and media type), to put it back under other tags. */
  async rawManifest(repository: string, digest: string): Promise<RawManifest | undefined> {
    const token = await this.#token(repository);
    const response = await this.#get(`/v2/${repository}/manifests/${digest}`, token, manifestAccept);
    if (response.status === 404) return undefined;
    const mediaType = response.headers.get('content-type') ?? '';
    return { bytes: new Uint8Array(await response.arrayBuffer()), mediaType };
  }

  /** Tags `manifest` (already in the repository) as `tag`. */
  async putManifest(repository: string, tag: string, manifest: RawManifest): Promise<void> {
    const token = await this.#token(repository, ['pull', 'push']);
    await this.#request(
      'PUT',
      `/v2/${repository}/manifests/${encodeURIComponent(tag)}`,
      token,
      undefined,
      [],
      {
        contentType: manifest.mediaType,
        body: manifest.bytes,
      },
    );
  }

  async #describe(repository: string, tag: string, token: string): Promise<RegistryTag | undefined> {
    const response = await this.#get(
      `/v2/${repository}/manifests/${encodeURIComponent(tag)}`,
      token,
      manifestAccept,
    );
    if (response.status === 404) return undefined;
    const manifest = (await response.json()) as Manifest;
    const mediaType = manifest.mediaType ?? response.headers.get('content-type') ?? '';
    const digest = response.headers.get('docker-content-digest') ?? '';
    const images = indexTypes.has(mediaType)
      ? await this.#indexImages(repository, manifest, token)
      : [await this.#image(repository, digest, manifest, token, undefined)];
    const fullSize = images.reduce((sum, image) => sum + image.size, 0);
    return { name: tag, digest, mediaType, fullSize, images };
  }

  /** The platform images of an index; attestations (`unknown/unknown`) are not images. */
  async #indexImages(repository: string, index: Manifest, token: string): Promise<RegistryImage[]> {
    const children = (index.manifests ?? []).filter(
      (child) =>
        child.digest &&
        child.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' &&
        child.platform?.os !== 'unknown',
    );
    return mapLimited(children, parallelReads, async (child) => {
      const response = await this.#get(`/v2/${repository}/manifests/${child.digest}`, token, manifestAccept);
      const manifest = response.ok ? ((await response.json()) as Manifest) : {};
      return this.#image(repository, child.digest ?? '', manifest, token, child.platform);
    });
  }

  /** An image manifest's layers and platform (from the index entry, else from its config blob). */
  async #image(
    repository: string,
    digest: string,
    manifest: Manifest,
    token: string,
    platform: Descriptor['platform'],
  ): Promise<RegistryImage> {
    const layers = (manifest.layers ?? []).map((layer) => ({
      digest: layer.digest ?? '',
      size: layer.size ?? 0,
    }));
    let found = platform;
    if (!found && manifest.config?.digest) {
      const response = await this.#get(`/v2/${repository}/blobs/${manifest.config.digest}`, token);
      if (response.ok) found = (await response.json()) as Descriptor['platform'];
    }
    return {
      digest,
      architecture: found?.architecture ?? '',
      os: found?.os ?? '',
      variant: found?.variant ?? '',
      osVersion: found?.['os.version'] ?? '',
      size: layers.reduce((sum, layer) => sum + layer.size, 0),
      layers,
    };
  }

  async #token(repository: string, actions: readonly string[] = ['pull']): Promise<string> {
    const { config, clock } = this.#ctx;
    const iat = Math.floor(clock.now().getTime() / 1000);
    return this.#signer.current.signAsync({
      iss: config.registryIssuer,
      sub: hubReaderSubject,
      aud: config.registryService,
      exp: iat + tokenLifetimeSeconds,
      nbf: iat,
      iat,
      jti: newId(),
      access: [{ type: 'repository', name: repository, actions: [...actions] }],
    });
  }

  #get(path: string, token: string, accept?: string): Promise<Response> {
    return this.#request('GET', path, token, accept);
  }

  /**
   * @param expected statuses besides 2xx and 404 that the caller handles.
   * @throws AppError REGISTRY_UNAVAILABLE when the registry cannot be reached or fails.
   */
  async #request(
    method: 'GET' | 'HEAD' | 'DELETE' | 'PUT',
    path: string,
    token: string,
    accept?: string,
    expected: readonly number[] = [],
    upload?: { contentType: string; body: Uint8Array },
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.#baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(accept ? { accept } : {}),
          ...(upload ? { 'content-type': upload.contentType } : {}),
        },
        ...(upload ? { body: upload.body } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new AppError('REGISTRY_UNAVAILABLE', `the registry at ${this.#baseUrl} did not answer`, {
        cause: error,
      });
    }
    if (response.status === 404 || response.ok || expected.includes(response.status)) return response;
    const detail = (await response.text()).slice(0, 200);
    throw new AppError('REGISTRY_UNAVAILABLE', `the registry answered ${response.status}`, {
      cause: new Error(detail),
    });
  }
}

/** `work` over `items` with at most `limit` running at once, results in the items' order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return results;
}

/**
 * Reads what the registry holds (its tag lists and manifests) for the Hub API's tag routes. The
 * registry trusts only tokens tokenhub signs, so tokenhub signs itself one for each read: a
 * 60-second token for `repository:<name>:pull` with subject `tokenhub:hub-api`, issued exactly
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

  async #token(repository: string): Promise<string> {
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
      access: [{ type: 'repository', name: repository, actions: ['pull'] }],
    });
  }

  /** @throws AppError REGISTRY_UNAVAILABLE when the registry cannot be reached or fails. */
  async #get(path: string, token: string, accept?: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.#baseUrl), {
        headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new AppError('REGISTRY_UNAVAILABLE', `the registry at ${this.#baseUrl} did not answer`, {
        cause: error,
      });
    }
    if (response.status === 404 || response.ok) return response;
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

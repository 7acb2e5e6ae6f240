/**
 * What the Hub API shows of a repository beside its access record (core/repository-access.ts):
 * Docker Hub's `repository_info` facts that tokenhub keeps, and the list orderings Docker Hub offers.
 * Pulls, pushes and tags come from the registry's notifications; without them they read zero and
 * null, which is what tokenhub knows.
 */
import type { Repository } from './repository-access.ts';

export interface RepositoryDetails {
  fullDescription: string;
  /** Manifest GETs the registry reported. */
  pullCount: number;
  lastPushedAt: string | null;
  lastPulledAt: string | null;
  /** The manifest media types pushed, in the order first seen. */
  mediaTypes: string[];
}

/** A repository no notification has reported on and whose full description was never set. */
export const noRepositoryDetails: RepositoryDetails = Object.freeze({
  fullDescription: '',
  pullCount: 0,
  lastPushedAt: null,
  lastPulledAt: null,
  mediaTypes: [],
});

export type HubRepository = Repository & { details: RepositoryDetails };

/** One tag as the registry's notifications reported it. */
export interface TagFacts {
  tag: string;
  digest: string;
  mediaType: string;
  pushedAt: string | null;
  /** The account the registry named as the pusher. */
  pushedBy: string | null;
  pulledAt: string | null;
}

/** Docker Hub's orderings of a repository list; `-` is descending. */
export const repositoryOrderings = [
  'name',
  '-name',
  'last_updated',
  '-last_updated',
  'pull_count',
  '-pull_count',
] as const;
export type RepositoryOrdering = (typeof repositoryOrderings)[number];

/**
 * The subject of the tokens tokenhub signs itself to read tags from the registry. Not a possible
 * username (`:`), so the registry's notifications of these reads are told apart from pulls.
 */
export const hubReaderSubject = 'tokenhub:hub-api';

/** Longest full description, in characters (Docker Hub's). */
export const maxFullDescriptionLength = 25_000;

const imageManifestTypes: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v1+json',
]);

/**
 * Docker Hub's `content_types` of a repository: `image` when it holds image manifests or indexes,
 * `unrecognized` for any other manifest type.
 * @example contentTypesOf(['application/vnd.oci.image.manifest.v1+json']) // ['image']
 */
export function contentTypesOf(mediaTypes: readonly string[]): string[] {
  const kinds = new Set(mediaTypes.map((type) => (imageManifestTypes.has(type) ? 'image' : 'unrecognized')));
  return [...kinds];
}

/** Whether a media type names a manifest (a pull of one is what Docker Hub counts as a pull). */
export function isManifestMediaType(mediaType: string): boolean {
  return imageManifestTypes.has(mediaType) || /manifest|index/.test(mediaType);
}

const activeWindowMs = 30 * 86_400_000;

/**
 * Docker Hub's tag `status`: `active` when pushed or pulled within the last 30 days. A tag nothing
 * was reported about (no notifications) is taken as active: it is in the registry.
 */
export function tagActivity(
  facts: Pick<TagFacts, 'pushedAt' | 'pulledAt'> | undefined,
  now: Date,
): 'active' | 'inactive' {
  if (!facts || (facts.pushedAt === null && facts.pulledAt === null)) return 'active';
  const times = [facts.pushedAt, facts.pulledAt].filter((at): at is string => at !== null).map(Date.parse);
  return now.getTime() - Math.max(...times) <= activeWindowMs ? 'active' : 'inactive';
}

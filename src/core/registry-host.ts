/**
 * The registry host clients log in to (`docker login <host>`): `host[:port]` of the configured
 * registry URL, the key docker and the containers tools file credentials under.
 *
 * @example registryHostOf('https://registry.example.com:5000') === 'registry.example.com:5000'
 * @returns undefined when no registry URL is configured (clients must then be told the host is needed).
 */
export function registryHostOf(registryUrl: string | undefined): string | undefined {
  if (!registryUrl) return undefined;
  try {
    return new URL(registryUrl).host || undefined;
  } catch {
    return undefined;
  }
}

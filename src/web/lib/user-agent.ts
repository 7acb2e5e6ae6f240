/**
 * A client's name from its User-Agent, for lists and the activity log: "Chrome on Linux",
 * "tokenhub CLI 0.1.0", "docker 28.0.1". The whole string stays available on demand
 * (components/client-name.tsx opens to it).
 */
const browsers: readonly [RegExp, string][] = [
  [/Edg\/([\d.]+)/, 'Edge'],
  [/Firefox\/([\d.]+)/, 'Firefox'],
  [/Chrom(?:e|ium)\/([\d.]+)/, 'Chrome'],
  [/Version\/([\d.]+).*Safari\//, 'Safari'],
];
const systems: readonly [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];
const tools: readonly [RegExp, string][] = [
  [/^tokenhub-cli\/(\S+)/, 'tokenhub CLI'],
  [/^docker\/(\S+)/, 'docker'],
  [/^skopeo\/(\S+)/, 'skopeo'],
  [/^containerd\/(\S+)/, 'containerd'],
  [/^podman\/(\S+)/, 'podman'],
  [/^curl\/(\S+)/, 'curl'],
  [/^hub-tool\/(\S+)/, 'hub-tool'],
];

export function clientName(userAgent: string): string {
  const ua = userAgent.trim();
  if (!ua) return 'unknown client';
  for (const [pattern, name] of tools) {
    const match = pattern.exec(ua);
    if (match) return `${name} ${match[1]}`;
  }
  if (ua.startsWith('Mozilla/')) {
    const browser = browsers.find(([pattern]) => pattern.test(ua))?.[1] ?? 'a browser';
    const system = systems.find(([pattern]) => pattern.test(ua))?.[1];
    return system ? `${browser} on ${system}` : browser;
  }
  const first = ua.split(/[\s(]/)[0] ?? ua;
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}

/**
 * Organization settings as Docker Hub keeps them: Image Access Management (`restricted_images`:
 * which Docker Hub images members may pull in Docker Desktop) and Registry Access Management (which
 * registries Docker Desktop may reach). Docker Hub stores them and Docker Desktop enforces them on
 * the signed-in member's machine; tokenhub stores and serves them the same way, so Docker's
 * clients (the Terraform provider, Desktop pointed at tokenhub) read and write them. Nothing in the
 * registry token path reads them.
 */

export interface ImageAccessSettings {
  enabled: boolean;
  allowOfficialImages: boolean;
  allowVerifiedPublishers: boolean;
}

/** A registry Docker Desktop knows by id (Docker's clients send `DockerHub`). */
export interface StandardRegistryRule {
  id: string;
  allowed: boolean;
}

export interface CustomRegistryRule {
  address: string;
  friendlyName: string;
  allowed: boolean;
}

export interface RegistryAccessSettings {
  enabled: boolean;
  standardRegistries: StandardRegistryRule[];
  customRegistries: CustomRegistryRule[];
}

export interface OrgSettings {
  imageAccess: ImageAccessSettings;
  registryAccess: RegistryAccessSettings;
}

/** What an organization that never saved its settings has: nothing restricted, Docker Hub allowed. */
export const defaultOrgSettings: OrgSettings = {
  imageAccess: { enabled: false, allowOfficialImages: true, allowVerifiedPublishers: true },
  registryAccess: {
    enabled: false,
    standardRegistries: [{ id: 'DockerHub', allowed: true }],
    customRegistries: [],
  },
};

/** At most this many custom registries (Docker Desktop's own limit is 100). */
export const maxCustomRegistries = 100;
/** Longest registry address kept (a host, an optional port and path). */
export const maxRegistryAddressLength = 255;
export const maxRegistryNameLength = 100;
/** The standard registries Docker's clients name. */
export const standardRegistryIds = ['DockerHub'] as const;

/**
 * What is wrong with registry access settings, for the `field` of a validation error, or undefined.
 * @example registryAccessProblem({ enabled: true, standardRegistries: [], customRegistries: [{ address: '', friendlyName: '', allowed: true }] })
 * // { field: 'custom_registries', message: 'a custom registry needs an address' }
 */
export function registryAccessProblem(
  settings: RegistryAccessSettings,
): { field: 'standard_registries' | 'custom_registries'; message: string } | undefined {
  for (const registry of settings.standardRegistries) {
    if (!(standardRegistryIds as readonly string[]).includes(registry.id))
      return {
        field: 'standard_registries',
        message: `unknown standard registry "${registry.id.slice(0, 40)}" (known: ${standardRegistryIds.join(', ')})`,
      };
  }
  if (new Set(settings.standardRegistries.map((r) => r.id)).size !== settings.standardRegistries.length)
    return { field: 'standard_registries', message: 'a standard registry is listed twice' };
  if (settings.customRegistries.length > maxCustomRegistries)
    return { field: 'custom_registries', message: `at most ${maxCustomRegistries} custom registries` };
  const addresses = new Set<string>();
  for (const registry of settings.customRegistries) {
    const address = registry.address.trim().toLowerCase();
    if (!address) return { field: 'custom_registries', message: 'a custom registry needs an address' };
    if (address.length > maxRegistryAddressLength || /[\s\p{Cc}]/u.test(address))
      return {
        field: 'custom_registries',
        message: `a registry address is a host with an optional port and path, at most ${maxRegistryAddressLength} characters`,
      };
    if (registry.friendlyName.length > maxRegistryNameLength || /\p{Cc}/u.test(registry.friendlyName))
      return {
        field: 'custom_registries',
        message: `a registry's friendly name is at most ${maxRegistryNameLength} characters, without control characters`,
      };
    if (addresses.has(address))
      return { field: 'custom_registries', message: `${address.slice(0, 64)} is listed twice` };
    addresses.add(address);
  }
  return undefined;
}

/**
 * Organization settings in Docker Hub's shapes: `orgSettings` (`restricted_images`, Image Access
 * Management) from Docker's document, and Registry Access Management as Docker's Terraform provider
 * sends and reads it. Go clients marshal an empty list as `null`, so lists accept it.
 */
import { type Static, Type } from 'typebox';
import {
  maxCustomRegistries,
  maxRegistryAddressLength,
  maxRegistryNameLength,
} from '../../core/org-settings-rules.ts';

export const restrictedImagesObject = Type.Object({
  enabled: Type.Boolean({
    description: 'Whether members may pull only the images allowed below (Docker Desktop enforces it).',
  }),
  allow_official_images: Type.Boolean(),
  allow_verified_publishers: Type.Boolean(),
});

export const orgSettingsObject = Type.Object({ restricted_images: restrictedImagesObject });
export type OrgSettingsObject = Static<typeof orgSettingsObject>;

const standardRegistry = Type.Object({
  id: Type.String({ maxLength: 64, description: 'A registry Docker Desktop knows by name: `DockerHub`.' }),
  allowed: Type.Boolean(),
});
const customRegistry = Type.Object({
  address: Type.String({ maxLength: maxRegistryAddressLength }),
  friendly_name: Type.String({ maxLength: maxRegistryNameLength }),
  allowed: Type.Boolean(),
});

export const registryAccessObject = Type.Object({
  enabled: Type.Boolean({
    description: 'Whether Docker Desktop may reach only the registries allowed below.',
  }),
  standard_registries: Type.Array(standardRegistry),
  custom_registries: Type.Array(customRegistry),
});
export type RegistryAccessObject = Static<typeof registryAccessObject>;

export const registryAccessBody = Type.Object({
  enabled: Type.Boolean(),
  standard_registries: Type.Optional(
    Type.Union([Type.Array(standardRegistry, { maxItems: 10 }), Type.Null()]),
  ),
  custom_registries: Type.Optional(
    Type.Union([Type.Array(customRegistry, { maxItems: maxCustomRegistries }), Type.Null()]),
  ),
});

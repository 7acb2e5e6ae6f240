/**
 * Organization settings (image and registry access management): one row per organization that
 * saved them; an organization without a row has `defaultOrgSettings`. The JSON is read here, so
 * nothing above storage parses it; a value that is not what we wrote reads as the default.
 */
import {
  type CustomRegistryRule,
  defaultOrgSettings,
  type ImageAccessSettings,
  type OrgSettings,
  type RegistryAccessSettings,
  type StandardRegistryRule,
} from '../core/org-settings-rules.ts';
import type { Db } from './database.ts';

export async function findOrgSettings(db: Db, orgId: string): Promise<OrgSettings> {
  const row = await db
    .selectFrom('organization_settings')
    .select(['image_access', 'registry_access'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) return defaultOrgSettings;
  return {
    imageAccess: imageAccessFromJson(row.image_access),
    registryAccess: registryAccessFromJson(row.registry_access),
  };
}

export async function saveOrgSettings(
  db: Db,
  orgId: string,
  settings: OrgSettings,
  now: string,
): Promise<void> {
  const values = {
    image_access: JSON.stringify(settings.imageAccess),
    registry_access: JSON.stringify(settings.registryAccess),
    updated_at: now,
  };
  await db
    .insertInto('organization_settings')
    .values({ org_id: orgId, ...values })
    .onConflict((conflict) => conflict.column('org_id').doUpdateSet(values))
    .execute();
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const flag = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
const text = (value: unknown) => (typeof value === 'string' ? value : '');
const records = (value: unknown) =>
  Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => !!item && typeof item === 'object')
    : [];

function imageAccessFromJson(json: string): ImageAccessSettings {
  const value = parsed(json);
  const fallback = defaultOrgSettings.imageAccess;
  if (!value) return fallback;
  return {
    enabled: flag(value.enabled, fallback.enabled),
    allowOfficialImages: flag(value.allowOfficialImages, fallback.allowOfficialImages),
    allowVerifiedPublishers: flag(value.allowVerifiedPublishers, fallback.allowVerifiedPublishers),
  };
}

function registryAccessFromJson(json: string): RegistryAccessSettings {
  const value = parsed(json);
  if (!value) return defaultOrgSettings.registryAccess;
  const standardRegistries: StandardRegistryRule[] = records(value.standardRegistries).map((item) => ({
    id: text(item.id),
    allowed: flag(item.allowed, false),
  }));
  const customRegistries: CustomRegistryRule[] = records(value.customRegistries).map((item) => ({
    address: text(item.address),
    friendlyName: text(item.friendlyName),
    allowed: flag(item.allowed, false),
  }));
  return { enabled: flag(value.enabled, false), standardRegistries, customRegistries };
}

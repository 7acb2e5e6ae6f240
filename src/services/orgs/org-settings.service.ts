/**
 * Organization settings (image and registry access management): any member reads them, owners
 * change them with a password session (`settings-edit`). Docker Desktop enforces them on members'
 * machines; tokenhub keeps them (core/org-settings-rules.ts says why the registry path ignores them).
 */
import { fieldError } from '../../core/errors.ts';
import {
  type ImageAccessSettings,
  type OrgSettings,
  type RegistryAccessSettings,
  registryAccessProblem,
} from '../../core/org-settings-rules.ts';
import type { Organization } from '../../core/organization-rules.ts';
import { findOrgSettings, saveOrgSettings } from '../../storage/org-settings.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { type AuditActor, recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

export async function readOrgSettings(ctx: ServiceContext, org: Organization): Promise<OrgSettings> {
  return findOrgSettings(ctx.db, org.id);
}

/** A change to one group of settings; the other group is kept as it is. */
export type OrgSettingsChange =
  | { imageAccess: ImageAccessSettings; registryAccess?: never }
  | { registryAccess: RegistryAccessSettings; imageAccess?: never };

/**
 * Replaces one group of an organization's settings and records `org.settings.update`.
 * The caller has been authorized for `settings-edit`.
 * @throws AppError VALIDATION_FAILED (registry rules of core/org-settings-rules.ts).
 */
export async function changeOrgSettings(
  ctx: ServiceContext,
  org: Organization,
  change: OrgSettingsChange,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<OrgSettings> {
  if (change.registryAccess) {
    const problem = registryAccessProblem(change.registryAccess);
    if (problem) throw fieldError(problem.field, problem.message);
  }
  const settings = await inTransaction(ctx.db, async (tx) => {
    const current = await findOrgSettings(tx, org.id);
    const next: OrgSettings = {
      imageAccess: change.imageAccess ?? current.imageAccess,
      registryAccess: change.registryAccess ?? current.registryAccess,
    };
    await saveOrgSettings(tx, org.id, next, isoNow(ctx));
    return next;
  });
  const [setting, enabled] = change.imageAccess
    ? ['restricted_images', change.imageAccess.enabled]
    : ['registry_access_management', change.registryAccess.enabled];
  await recordAudit(ctx, {
    account: { id: org.id, name: org.name },
    action: 'org.settings.update',
    name: org.name,
    actor,
    meta,
    data: { setting, enabled },
  });
  return settings;
}

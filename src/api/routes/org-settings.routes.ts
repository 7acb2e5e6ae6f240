/**
 * Organization settings (Docker Hub's `/v2/orgs/{org}/settings`, Image Access Management, and the
 * Terraform provider's `/v2/orgs/{org}/settings/registry-access-management`): members and the
 * organization's access tokens read them, owners change them with a password session.
 */
import type { OrgSettings } from '../../core/org-settings-rules.ts';
import { changeOrgSettings, readOrgSettings } from '../../services/orgs/org-settings.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { errorReplies } from '../contract/common.contract.ts';
import {
  type OrgSettingsObject,
  orgSettingsObject,
  type RegistryAccessObject,
  registryAccessBody,
  registryAccessObject,
} from '../contract/org-settings.contract.ts';
import { orgParams } from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { requestMeta } from '../request-meta.ts';

function toOrgSettingsObject({ imageAccess }: OrgSettings): OrgSettingsObject {
  return {
    restricted_images: {
      enabled: imageAccess.enabled,
      allow_official_images: imageAccess.allowOfficialImages,
      allow_verified_publishers: imageAccess.allowVerifiedPublishers,
    },
  };
}

function toRegistryAccessObject({ registryAccess }: OrgSettings): RegistryAccessObject {
  return {
    enabled: registryAccess.enabled,
    standard_registries: registryAccess.standardRegistries,
    custom_registries: registryAccess.customRegistries.map((registry) => ({
      address: registry.address,
      friendly_name: registry.friendlyName,
      allowed: registry.allowed,
    })),
  };
}

export async function orgSettingsRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const route = orgRouteOptions(guard, 'organization settings');

  app.get(
    '/v2/orgs/:org/settings',
    route({
      summary: "Read an organization's Image Access Management settings",
      params: orgParams,
      response: { 200: orgSettingsObject, ...errorReplies(401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'org-read');
      return toOrgSettingsObject(await readOrgSettings(ctx, org));
    },
  );

  app.put(
    '/v2/orgs/:org/settings',
    route({
      summary: "Change an organization's Image Access Management settings (owners)",
      description:
        'Docker Desktop enforces them for signed-in members; tokenhub stores them for it, on every tier.',
      params: orgParams,
      body: orgSettingsObject,
      response: { 200: orgSettingsObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'settings-edit');
      const { restricted_images: images } = request.body;
      const imageAccess = {
        enabled: images.enabled,
        allowOfficialImages: images.allow_official_images,
        allowVerifiedPublishers: images.allow_verified_publishers,
      };
      return toOrgSettingsObject(
        await changeOrgSettings(ctx, org, { imageAccess }, actor, requestMeta(request)),
      );
    },
  );

  app.get(
    '/v2/orgs/:org/settings/registry-access-management',
    route({
      summary: "Read an organization's Registry Access Management settings (Docker's Terraform provider)",
      params: orgParams,
      response: { 200: registryAccessObject, ...errorReplies(401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'org-read');
      return toRegistryAccessObject(await readOrgSettings(ctx, org));
    },
  );

  app.put(
    '/v2/orgs/:org/settings/registry-access-management',
    route({
      summary: "Change an organization's Registry Access Management settings (owners)",
      params: orgParams,
      body: registryAccessBody,
      response: { 200: registryAccessObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'settings-edit');
      const body = request.body;
      const registryAccess = {
        enabled: body.enabled,
        standardRegistries: body.standard_registries ?? [],
        customRegistries: (body.custom_registries ?? []).map((registry) => ({
          address: registry.address.trim().toLowerCase(),
          friendlyName: registry.friendly_name,
          allowed: registry.allowed,
        })),
      };
      const settings = await changeOrgSettings(ctx, org, { registryAccess }, actor, requestMeta(request));
      return toRegistryAccessObject(settings);
    },
  );
}

/**
 * Organization settings storage on SQLite and PostgreSQL: defaults until saved, an upsert that
 * replaces, a stored value that is not what tokenhub wrote read as the default, and the row gone
 * with its organization.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultOrgSettings, type OrgSettings } from '../../src/core/org-settings-rules.ts';
import { findOrgSettings, saveOrgSettings } from '../../src/storage/org-settings.repository.ts';
import { insertOrganization } from '../../src/storage/organization.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';

const at = '2026-01-01T00:00:00.000Z';
const settings: OrgSettings = {
  imageAccess: { enabled: true, allowOfficialImages: false, allowVerifiedPublishers: true },
  registryAccess: {
    enabled: true,
    standardRegistries: [{ id: 'DockerHub', allowed: false }],
    customRegistries: [{ address: 'registry.example.com', friendlyName: 'ours', allowed: true }],
  },
};

describe.each(testDialects('org settings contract'))('org settings storage on %s', (dialect) => {
  let database: TestDatabase;
  const orgId = crypto.randomUUID();
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    await insertOrganization(database.db, {
      id: orgId,
      name: 'acme',
      tier: 'free',
      createdAt: at,
      updatedAt: at,
      createdBy: null,
    });
  });
  afterAll(async () => database.close());

  it('reads the defaults, then what was saved; a second save replaces the first', async () => {
    expect(await findOrgSettings(database.db, orgId)).toEqual(defaultOrgSettings);
    await saveOrgSettings(database.db, orgId, defaultOrgSettings, at);
    await saveOrgSettings(database.db, orgId, settings, at);
    expect(await findOrgSettings(database.db, orgId)).toEqual(settings);
  });

  it('reads a value it did not write as the default, never as an error', async () => {
    await database.db
      .updateTable('organization_settings')
      .set({ image_access: 'not json', registry_access: '[1,2]' })
      .where('org_id', '=', orgId)
      .execute();
    expect(await findOrgSettings(database.db, orgId)).toEqual(defaultOrgSettings);
  });

  it('goes with its organization', async () => {
    await saveOrgSettings(database.db, orgId, settings, at);
    await database.db.deleteFrom('organizations').where('id', '=', orgId).execute();
    const rows = await database.db.selectFrom('organization_settings').selectAll().execute();
    expect(rows).toEqual([]);
  });
});

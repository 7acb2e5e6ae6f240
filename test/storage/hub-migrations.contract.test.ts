/**
 * The migrations that bring stored data to Docker Hub's names and shapes, run over rows written in
 * the earlier form, on both databases.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as dockerAuditActions from '../../src/storage/migrations/2026-12-01T0301-docker-audit-actions.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';

describe.each(testDialects('hub migrations'))('hub migrations on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await openTestDatabase(dialect);
  });
  afterEach(async () => database.close());

  it('renames stored audit actions to Docker Hub names, and back', async () => {
    const { db } = database;
    const event = (id: string, action: string) => ({
      id,
      account_id: 'acct',
      account_name: 'acme',
      action,
      name: 'x',
      actor_id: null,
      actor_name: 'alice',
      ip: '',
      user_agent: '',
      data: '{}',
      created_at: '2026-03-01T12:00:00.000Z',
    });
    await db
      .insertInto('audit_events')
      .values([
        event('1', 'repository.create'),
        event('2', 'org.group.member.add'),
        event('3', 'org.invite.create'),
        event('4', 'account.login.success'),
      ])
      .execute();
    const actions = async () =>
      (await db.selectFrom('audit_events').select('action').orderBy('id').execute()).map((r) => r.action);
    await dockerAuditActions.up(db as unknown as Kysely<unknown>);
    expect(await actions()).toEqual([
      'repo.create',
      'org.team.member.add',
      'org.member.invite.send',
      'account.login.success',
    ]);
    await dockerAuditActions.down(db as unknown as Kysely<unknown>);
    expect(await actions()).toEqual([
      'repository.create',
      'org.group.member.add',
      'org.invite.create',
      'account.login.success',
    ]);
  });
});

/**
 * Housekeeping and the audit events it owes: audit retention, expired login tokens, and the
 * "expired token used" event (at most once an hour per token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceTasks } from '../../src/api/app.ts';
import { runMaintenance } from '../../src/services/shared/maintenance.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

let t: TestApp;
let password: string;
beforeAll(async () => {
  t = await createTestApp({ env: { TOKENHUB_AUDIT_RETENTION_DAYS: '30' } });
  password = await t.signUp('alice');
});
afterAll(async () => t.close());

const actionsOf = async (action: string) =>
  t.database.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();

describe('maintenance', () => {
  it('deletes audit events past the retention and keeps newer ones', async () => {
    await t.login('alice', password);
    const before = (await actionsOf('account.login.success')).length;
    expect(before).toBeGreaterThan(0);
    t.clock.advanceSeconds(31 * 86_400);
    await t.login('alice', password);
    await runMaintenance(t.app.services, maintenanceTasks);
    const after = await actionsOf('account.login.success');
    expect(after).toHaveLength(1);
    expect(after[0]?.created_at).toBe(t.clock.now().toISOString());
  });

  it('deletes expired login_2fa_tokens', async () => {
    const user = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'alice')
      .executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('login_challenges')
      .values({
        token_hash: 'x'.repeat(64),
        user_id: user.id,
        expires_at: '2020-01-01T00:00:00.000Z',
        attempts: 0,
        created_at: '2020-01-01T00:00:00.000Z',
      })
      .execute();
    await runMaintenance(t.app.services, maintenanceTasks);
    expect(await t.database.db.selectFrom('login_challenges').selectAll().execute()).toEqual([]);
  });
});

describe('using an expired token', () => {
  it('is refused and audited once an hour', async () => {
    const pat = await t.createPat(await t.login('alice', password), {
      expires_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
    });
    t.clock.advanceSeconds(3601);
    const use = () =>
      t.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry',
        headers: { authorization: `Basic ${Buffer.from(`alice:${pat.token}`).toString('base64')}` },
      });
    expect((await use()).json().details).toBe('token expired');
    await use();
    const events = await actionsOf('account.access_token.expired_use');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ account_name: 'alice', name: 'test token' });
    expect(JSON.stringify(events)).not.toContain(pat.token);
    t.clock.advanceSeconds(3601);
    await use();
    expect(await actionsOf('account.access_token.expired_use')).toHaveLength(2);
  });
});

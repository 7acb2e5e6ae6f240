import type { Kysely } from 'kysely';

/**
 * Audit actions take Docker Hub's names where Docker has the action: repositories are `repo.*`,
 * groups are teams (`org.team.*`), an invite sent is `org.member.invite.send` (and the other
 * invite events follow it). Stored events are renamed so the `action` filter finds old and new alike.
 */
const renames: ReadonlyArray<readonly [string, string]> = [
  ['repository.create', 'repo.create'],
  ['repository.update', 'repo.update'],
  ['repository.delete', 'repo.delete'],
  ['org.group.create', 'org.team.create'],
  ['org.group.delete', 'org.team.delete'],
  ['org.group.member.add', 'org.team.member.add'],
  ['org.group.member.remove', 'org.team.member.remove'],
  ['org.group.repository.permission', 'org.team.repository.permission'],
  ['org.invite.create', 'org.member.invite.send'],
  ['org.invite.accept', 'org.member.invite.accept'],
  ['org.invite.decline', 'org.member.invite.decline'],
  ['org.invite.cancel', 'org.member.invite.cancel'],
];

async function rename(db: Kysely<unknown>, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const events = db as unknown as Kysely<{ audit_events: { action: string } }>;
  for (const [from, to] of pairs) {
    await events.updateTable('audit_events').set({ action: to }).where('action', '=', from).execute();
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await rename(db, renames);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rename(
    db,
    renames.map(([from, to]) => [to, from] as const),
  );
}

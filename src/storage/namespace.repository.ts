/** One space of names for users and organizations: each name is claimed once, by one of them. */
import type { Db } from './database.ts';

/** Who a name belongs to. */
export interface NamespaceClaim {
  name: string;
  kind: 'user' | 'org';
  ownerId: string;
}

/** Claims a name; false when a user or an organization already has it. */
export async function claimNamespace(db: Db, claim: NamespaceClaim): Promise<boolean> {
  const result = await db
    .insertInto('namespaces')
    .values({ name: claim.name, kind: claim.kind, owner_id: claim.ownerId })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findNamespace(db: Db, name: string): Promise<NamespaceClaim | undefined> {
  const row = await db.selectFrom('namespaces').selectAll().where('name', '=', name).executeTakeFirst();
  return row && { name: row.name, kind: row.kind, ownerId: row.owner_id };
}

/** One space of names for users, organizations and companies: each name is claimed once, by one of them. */
import type { Db } from './database.ts';

/** Who a name belongs to. */
export interface NamespaceClaim {
  name: string;
  kind: 'user' | 'org' | 'company';
  ownerId: string;
}

/** Claims a name; false when a user, an organization or a company already has it. */
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

/** Gives a name back (a company renamed or deleted); only the claim of `ownerId` goes. */
export async function releaseNamespace(db: Db, name: string, ownerId: string): Promise<void> {
  await db.deleteFrom('namespaces').where('name', '=', name).where('owner_id', '=', ownerId).execute();
}

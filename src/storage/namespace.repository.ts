/** One space of names for users and organizations. */
import type { Db } from './database.ts';
import type { NamespacesTable } from './schema.ts';

export type NamespaceRow = NamespacesTable;

/** Claims a name; false when a user or an organization already has it. */
export async function claimNamespace(db: Db, row: NamespaceRow): Promise<boolean> {
  const result = await db
    .insertInto('namespaces')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findNamespace(db: Db, name: string): Promise<NamespaceRow | undefined> {
  return db.selectFrom('namespaces').selectAll().where('name', '=', name).executeTakeFirst();
}

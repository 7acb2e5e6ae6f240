/**
 * Hot-path reads built with Kysely once per database and then sent as compiled SQL with new
 * parameter values. Building and compiling a query with Kysely took longer than SQLite took to
 * answer it (the `/token` profile in bench/profiles/), and the SQL of these reads never changes.
 *
 * The builder is called once with placeholder strings; the compiled query must carry exactly those
 * placeholders as its parameters, in order (checked when it is compiled), so constants inside the
 * query have to be literals (`sql.lit`). A transaction is a new Kysely instance: a read run in one
 * is compiled for it (and dropped with it). On SQLite, outside transactions, the read is answered
 * directly on the connection (database.ts, `DirectReader`).
 *
 * @example
 *   const repositoryByName = compiledOnce((db, namespace: string, name: string) =>
 *     db.selectFrom('repositories').selectAll().where('namespace', '=', namespace).where('name', '=', name));
 *   const [row] = await repositoryByName(db, 'alice', 'app');
 */
import { type Compilable, CompiledQuery } from 'kysely';
import { type Db, directReaderOf } from './database.ts';

export function compiledOnce<Row, Params extends string[]>(
  build: (db: Db, ...params: Params) => Compilable<Row>,
): (db: Db, ...params: Params) => Promise<Row[]> {
  const compiled = new WeakMap<Db, string>();
  const placeholders = Array.from({ length: build.length - 1 }, (_, i) => `\u0000param ${i}\u0000`);
  const compile = (db: Db): string => {
    const query = build(db, ...(placeholders as Params)).compile();
    const same =
      query.parameters.length === placeholders.length &&
      query.parameters.every((value, i) => value === placeholders[i]);
    if (!same) throw new Error(`compiledOnce: the parameters must be exactly the placeholders: ${query.sql}`);
    compiled.set(db, query.sql);
    return query.sql;
  };
  return async (db, ...params) => {
    const sqlText = compiled.get(db) ?? compile(db);
    const direct = directReaderOf(db)?.read<Row>(sqlText, params);
    if (direct) return direct;
    const { rows } = await db.executeQuery<Row>(CompiledQuery.raw(sqlText, params) as CompiledQuery<Row>);
    return rows;
  };
}

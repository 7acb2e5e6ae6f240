/**
 * The last distinct client addresses of each token, with first and last seen (GitLab shows five):
 * written by the buffered last-used writer (services/shared/last-used-recorder.ts), never per
 * request, and read with a page of tokens in one query.
 */
import { sql } from 'kysely';
import { type TokenAddress, tokenAddressHistorySize } from '../core/access-token-rules.ts';
import type { Db } from './database.ts';

/** One address of one token as seen during a flush interval. */
export interface AddressSighting {
  tokenId: string;
  ip: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

/**
 * Merges sightings into the history (first seen keeps its earliest value, last seen its latest),
 * then keeps the {@link tokenAddressHistorySize} most recently seen addresses of each token named.
 * Tokens deleted meanwhile are skipped. Call inside the writer's transaction; `(token, ip)` pairs
 * in one call are distinct.
 */
export async function writeAddressSightings(db: Db, sightings: readonly AddressSighting[]): Promise<void> {
  for (let at = 0; at < sightings.length; at += chunkSize) {
    const chunk = sightings.slice(at, at + chunkSize);
    const rows = sql.join(
      chunk.map((s) => sql`(${s.tokenId}, ${s.ip.slice(0, 64)}, ${s.firstSeenAt}, ${s.lastSeenAt})`),
    );
    await sql`insert into access_token_addresses (token_id, ip, first_seen_at, last_seen_at)
      select v.column1, v.column2, v.column3, v.column4 from (values ${rows}) as v
      where exists (select 1 from access_tokens t where t.id = v.column1)
      on conflict (token_id, ip) do update set
        first_seen_at = case when excluded.first_seen_at < access_token_addresses.first_seen_at
          then excluded.first_seen_at else access_token_addresses.first_seen_at end,
        last_seen_at = case when excluded.last_seen_at > access_token_addresses.last_seen_at
          then excluded.last_seen_at else access_token_addresses.last_seen_at end`.execute(db);
    const ids = [...new Set(chunk.map((s) => s.tokenId))];
    await db
      .deleteFrom('access_token_addresses as a')
      .where('a.token_id', 'in', ids)
      .where((eb) =>
        eb(
          'a.ip',
          'not in',
          eb
            .selectFrom('access_token_addresses as k')
            .select('k.ip')
            .whereRef('k.token_id', '=', 'a.token_id')
            .orderBy('k.last_seen_at', 'desc')
            .orderBy('k.ip')
            .limit(tokenAddressHistorySize),
        ),
      )
      .execute();
  }
}

const chunkSize = 200;

/** The address history of each listed token, most recently seen first. */
export async function listTokenAddresses(
  db: Db,
  tokenIds: readonly string[],
): Promise<Map<string, TokenAddress[]>> {
  const byToken = new Map<string, TokenAddress[]>();
  if (tokenIds.length === 0) return byToken;
  const rows = await db
    .selectFrom('access_token_addresses')
    .selectAll()
    .where('token_id', 'in', tokenIds)
    .orderBy('token_id')
    .orderBy('last_seen_at', 'desc')
    .orderBy('ip')
    .execute();
  for (const row of rows) {
    const list = byToken.get(row.token_id) ?? [];
    if (list.length < tokenAddressHistorySize) {
      list.push({ ip: row.ip, firstSeenAt: row.first_seen_at, lastSeenAt: row.last_seen_at });
    }
    byToken.set(row.token_id, list);
  }
  return byToken;
}

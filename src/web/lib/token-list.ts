/**
 * What the personal and organization token lists share, without React or the DOM: status counts,
 * stable sorting with one rule for missing dates, paging, the list's state in the URL
 * (`?page=2&sort=last_used&dir=asc&size=25`), and deleting several tokens one request at a time.
 */
import type { TokenStatus } from '../api/types.ts';

export type SortDirection = 'ascending' | 'descending';

/** The row counts a page offers; the first is the default. */
export const pageSizes = [10, 25, 50] as const;

export function countByStatus(tokens: readonly { status: TokenStatus }[]): Record<TokenStatus, number> {
  const counts: Record<TokenStatus, number> = { active: 0, inactive: 0, expired: 0 };
  for (const token of tokens) counts[token.status] += 1;
  return counts;
}

/**
 * Compares two optional dates for a sort in `direction`. A missing date stands for a moment:
 * `'latest'` (never expires: after every date ascending, before every date descending) or
 * `'oldest'` (never used: before every date ascending, after every date descending).
 */
export function compareDates(
  a: string | null,
  b: string | null,
  direction: SortDirection,
  missing: 'latest' | 'oldest',
): number {
  const sign = direction === 'ascending' ? 1 : -1;
  if (a === b) return 0;
  const absent = missing === 'latest' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const at = (date: string | null) => (date === null ? absent : Date.parse(date));
  const difference = at(a) - at(b);
  return Number.isNaN(difference) ? 0 : sign * Math.sign(difference);
}

/** Compares two labels for a sort in `direction`, ignoring case and accents. */
export function compareText(a: string, b: string, direction: SortDirection): number {
  return (direction === 'ascending' ? 1 : -1) * a.localeCompare(b, undefined, { sensitivity: 'base' });
}

/** A sorted copy; items that compare equal keep their order (the API's: newest first). */
export function stableSorted<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compare(a.item, b.item) || a.index - b.index)
    .map(({ item }) => item);
}

export interface PageSlice<T> {
  items: T[];
  page: number;
  pageCount: number;
  first: number;
  last: number;
  total: number;
}

/** One page (from 1) of a list; a page past the end shows the last page. */
export function pageOf<T>(items: readonly T[], page: number, pageSize: number): PageSlice<T> {
  const total = items.length;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  const start = (current - 1) * pageSize;
  const slice = items.slice(start, start + pageSize);
  return {
    items: slice,
    page: current,
    pageCount,
    first: total === 0 ? 0 : start + 1,
    last: start + slice.length,
    total,
  };
}

export interface ListParams<K extends string> {
  page: number;
  sort: K;
  direction: SortDirection;
  size: number;
}

/**
 * A token list's page, sort and page size from the query string. Anything missing or invalid (an
 * unknown column, `dir=up`, `size=7`, `page=-1`) falls back to its default.
 */
export function readListParams<K extends string>(
  search: URLSearchParams,
  sortKeys: readonly K[],
  defaults: { sort: K; direction: SortDirection },
): ListParams<K> {
  const sort = sortKeys.find((key) => key === search.get('sort')) ?? defaults.sort;
  const dir = search.get('dir');
  const direction = dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : defaults.direction;
  const size = pageSizes.find((candidate) => String(candidate) === search.get('size')) ?? pageSizes[0];
  const pageText = search.get('page') ?? '';
  const page = /^[1-9]\d{0,5}$/.test(pageText) ? Number(pageText) : 1;
  return { page, sort, direction, size };
}

/**
 * The query string for `params`, keeping the other parameters of `search`; defaults are left out,
 * so the plain path stands for the first page in the default order.
 */
export function listParamsQuery<K extends string>(
  search: URLSearchParams,
  params: ListParams<K>,
  defaults: { sort: K; direction: SortDirection },
): string {
  const query = new URLSearchParams(search);
  for (const name of ['page', 'sort', 'dir', 'size']) query.delete(name);
  const isDefault = params.sort === defaults.sort && params.direction === defaults.direction;
  if (params.page !== 1) query.set('page', String(params.page));
  if (!isDefault) {
    query.set('sort', params.sort);
    query.set('dir', params.direction === 'ascending' ? 'asc' : 'desc');
  }
  if (params.size !== pageSizes[0]) query.set('size', String(params.size));
  return query.toString();
}

/** The next sort after a click on a column: a new column sorts ascending, the same one flips. */
export function nextSort<K extends string>(
  current: { sort: K; direction: SortDirection },
  key: K,
): { sort: K; direction: SortDirection } {
  const flip = current.sort === key && current.direction === 'ascending';
  return { sort: key, direction: flip ? 'descending' : 'ascending' };
}

export interface EachResult<T> {
  deleted: T[];
  failed: { item: T; message: string }[];
}

/**
 * Runs `remove` for each item in turn (not at once: the server's rate limits and the order of its
 * audit events stay predictable) and reports which succeeded and which failed with what message.
 */
export async function removeEach<T>(items: readonly T[], remove: (item: T) => Promise<unknown>) {
  const result: EachResult<T> = { deleted: [], failed: [] };
  for (const item of items) {
    try {
      await remove(item);
      result.deleted.push(item);
    } catch (caught) {
      result.failed.push({ item, message: caught instanceof Error ? caught.message : String(caught) });
    }
  }
  return result;
}

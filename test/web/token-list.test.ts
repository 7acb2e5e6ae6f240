import { describe, expect, it } from 'vitest';
import {
  compareDates,
  listParamsQuery,
  nextSort,
  readListParams,
  removeEach,
} from '../../src/web/lib/token-list.ts';

const keys = ['label', 'created', 'last_used', 'expires'] as const;
type Key = (typeof keys)[number];
const defaults = { sort: 'created' as Key, direction: 'descending' as const };
const read = (query: string) => readListParams(new URLSearchParams(query), keys, defaults);

describe('a token list in the URL', () => {
  it('reads page, sort, direction and page size', () => {
    expect(read('page=2&sort=last_used&dir=asc&size=25')).toEqual({
      page: 2,
      sort: 'last_used',
      direction: 'ascending',
      size: 25,
    });
  });

  it('falls back to the defaults for anything missing or invalid', () => {
    const fallback = { page: 1, sort: 'created', direction: 'descending', size: 10 };
    expect(read('')).toEqual(fallback);
    expect(read('page=0&sort=secret&dir=up&size=7')).toEqual(fallback);
    expect(read('page=-2&size=1000')).toEqual(fallback);
    expect(read('page=2.5&sort=__proto__&dir=ASC')).toEqual(fallback);
    expect(read('page=99999999').page).toBe(1);
  });

  it('writes only what differs from the defaults and keeps other parameters', () => {
    const search = new URLSearchParams('tab=x&page=3');
    expect(
      listParamsQuery(search, { page: 1, sort: 'created', direction: 'descending', size: 10 }, defaults),
    ).toBe('tab=x');
    expect(
      listParamsQuery(search, { page: 2, sort: 'last_used', direction: 'ascending', size: 25 }, defaults),
    ).toBe('tab=x&page=2&sort=last_used&dir=asc&size=25');
    // The default column in the other direction still names both.
    expect(
      listParamsQuery(
        new URLSearchParams(),
        { page: 1, sort: 'created', direction: 'ascending', size: 10 },
        defaults,
      ),
    ).toBe('sort=created&dir=asc');
  });

  it('reads back what it writes', () => {
    const params = { page: 4, sort: 'expires' as Key, direction: 'ascending' as const, size: 50 };
    expect(read(listParamsQuery(new URLSearchParams(), params, defaults))).toEqual(params);
  });

  it('sorts a new column ascending and flips the current one', () => {
    expect(nextSort(defaults, 'label')).toEqual({ sort: 'label', direction: 'ascending' });
    expect(nextSort({ sort: 'label', direction: 'ascending' }, 'label')).toEqual({
      sort: 'label',
      direction: 'descending',
    });
    expect(nextSort(defaults, 'created')).toEqual({ sort: 'created', direction: 'ascending' });
  });
});

describe('missing dates', () => {
  const dates = ['2026-05-01T00:00:00Z', null, '2026-01-01T00:00:00Z'];
  const sorted = (direction: 'ascending' | 'descending', missing: 'latest' | 'oldest') =>
    [...dates].sort((a, b) => compareDates(a, b, direction, missing));

  it('sort "never expires" as the latest date', () => {
    expect(sorted('ascending', 'latest')).toEqual(['2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z', null]);
    expect(sorted('descending', 'latest')).toEqual([null, '2026-05-01T00:00:00Z', '2026-01-01T00:00:00Z']);
  });

  it('sort "never used" as the oldest date', () => {
    expect(sorted('ascending', 'oldest')).toEqual([null, '2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z']);
    expect(sorted('descending', 'oldest')).toEqual(['2026-05-01T00:00:00Z', '2026-01-01T00:00:00Z', null]);
  });

  it('compare two missing dates as equal', () => {
    expect(compareDates(null, null, 'ascending', 'latest')).toBe(0);
  });
});

describe('deleting one at a time', () => {
  it('reports what was deleted and what failed with its message, in order', async () => {
    const seen: string[] = [];
    const result = await removeEach(['a', 'b', 'c'], async (item) => {
      seen.push(item);
      if (item === 'b') throw new Error('Token not found.');
    });
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(result).toEqual({ deleted: ['a', 'c'], failed: [{ item: 'b', message: 'Token not found.' }] });
  });
});

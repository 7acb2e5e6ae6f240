/**
 * The state of a token list page: sort and page from the URL (each change is a history entry, so
 * reload and Back keep them), the page on screen, and which rows are selected (kept across pages,
 * forgotten once deleted).
 */
import { useState } from 'react';
import { navigate, useLocation } from './router.tsx';
import {
  type ListParams,
  listParamsQuery,
  nextSort,
  type PageSlice,
  pageOf,
  readListParams,
  type SortDirection,
} from './token-list.ts';

export interface TokenListOptions<T, K extends string> {
  tokens: readonly T[];
  idOf: (token: T) => string;
  sortKeys: readonly K[];
  defaultSort: { sort: K; direction: SortDirection };
  sorted: (tokens: readonly T[], key: K, direction: SortDirection) => T[];
}

export interface TokenList<T, K extends string> {
  params: ListParams<K>;
  slice: PageSlice<T>;
  sortBy: (key: K) => void;
  setPage: (page: number) => void;
  setPageSize: (size: number) => void;
  selection: Selection<T>;
}

export interface Selection<T> {
  has: (token: T) => boolean;
  toggle: (token: T) => void;
  /** Selects every row on the page, or clears them when all are selected already. */
  togglePage: () => void;
  /** How many rows the page on screen has, and how many of them are selected. */
  pageRows: number;
  onPage: number;
  /** The selected tokens that are still in the list, in the list's order. */
  tokens: T[];
  forget: (tokens: readonly T[]) => void;
}

export function useTokenList<T, K extends string>(options: TokenListOptions<T, K>): TokenList<T, K> {
  const { tokens, idOf, sortKeys, defaultSort } = options;
  const location = useLocation();
  const params = readListParams(location.search, sortKeys, defaultSort);
  const sorted = options.sorted(tokens, params.sort, params.direction);
  const slice = pageOf(sorted, params.page, params.size);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const go = (changes: Partial<ListParams<K>>) => {
    const query = listParamsQuery(location.search, { ...params, ...changes }, defaultSort);
    navigate(query ? `${location.path}?${query}` : location.path);
  };

  const pageAllSelected = slice.items.length > 0 && slice.items.every((token) => selected.has(idOf(token)));
  const selection: Selection<T> = {
    has: (token) => selected.has(idOf(token)),
    toggle(token) {
      const next = new Set(selected);
      if (!next.delete(idOf(token))) next.add(idOf(token));
      setSelected(next);
    },
    togglePage() {
      const next = new Set(selected);
      for (const token of slice.items) {
        if (pageAllSelected) next.delete(idOf(token));
        else next.add(idOf(token));
      }
      setSelected(next);
    },
    pageRows: slice.items.length,
    onPage: slice.items.filter((token) => selected.has(idOf(token))).length,
    tokens: sorted.filter((token) => selected.has(idOf(token))),
    forget(gone) {
      const ids = new Set(gone.map(idOf));
      setSelected((current) => new Set([...current].filter((id) => !ids.has(id))));
    },
  };

  return {
    params: { ...params, page: slice.page },
    slice,
    sortBy: (key) => go({ ...nextSort(params, key), page: 1 }),
    setPage: (page) => go({ page }),
    setPageSize: (size) => go({ size, page: 1 }),
    selection,
  };
}

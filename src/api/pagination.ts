/**
 * Hub-style pagination: `page` from 1, `page_size` capped at `maxPageSize`, and `next`/`previous`
 * as full URLs (or null), built on the configured public URL.
 */
import { maxPageSize } from './contract/common.contract.ts';

export interface PageRequest {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

export function pageRequest(query: { page?: number; page_size?: number }, defaultSize = 10): PageRequest {
  const page = query.page ?? 1;
  const pageSize = Math.min(query.page_size ?? defaultSize, maxPageSize);
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

/**
 * `next` and `previous` links for a page of `total` items at `path` on `publicUrl`; `keep` are the
 * list's filters, repeated in both links (unset ones are left out).
 */
export function pageLinks(
  publicUrl: string,
  path: string,
  page: PageRequest,
  total: number,
  keep: Record<string, string | number | boolean | undefined> = {},
): { next: string | null; previous: string | null } {
  const filters = Object.entries(keep)
    .filter(
      (entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== '',
    )
    .map(([name, value]) => `&${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('');
  const link = (n: number) => `${publicUrl}${path}?page=${n}&page_size=${page.pageSize}${filters}`;
  return {
    next: page.offset + page.pageSize < total ? link(page.page + 1) : null,
    previous:
      page.page > 1 ? link(Math.min(page.page - 1, Math.max(1, Math.ceil(total / page.pageSize)))) : null,
  };
}

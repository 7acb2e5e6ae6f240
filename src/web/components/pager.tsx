/** "1–10 of 42", page size, previous and next. */
import { pageSizes } from '../lib/token-list.ts';

interface PagerProps {
  label: string;
  page: number;
  pageCount: number;
  first: number;
  last: number;
  total: number;
  pageSize: number;
  onPage: (page: number) => void;
  onPageSize?: (size: number) => void;
}

export function Pager({
  label,
  page,
  pageCount,
  first,
  last,
  total,
  pageSize,
  onPage,
  onPageSize,
}: PagerProps) {
  if (total === 0) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <span aria-live="polite">
        {first}–{last} of {total}
      </span>
      {onPageSize ? (
        <label className="inline-field">
          Rows per page
          <select value={pageSize} onChange={(event) => onPageSize(Number(event.target.value))}>
            {pageSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="button" className="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous
      </button>
      <span>
        Page {page} of {pageCount}
      </span>
      <button type="button" className="button" onClick={() => onPage(page + 1)} disabled={page >= pageCount}>
        Next
      </button>
    </nav>
  );
}

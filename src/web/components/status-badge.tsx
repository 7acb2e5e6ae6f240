import type { TokenStatus } from '../api/types.ts';
import { statusLabels } from '../lib/token-logic.ts';

/** Status as a word and a colour; the word alone carries the meaning. */
export function StatusBadge({ status }: { status: TokenStatus }) {
  return <span className={`badge badge-${status}`}>{statusLabels[status]}</span>;
}

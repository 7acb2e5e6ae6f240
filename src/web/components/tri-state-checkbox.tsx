/**
 * A select-all checkbox: checked when every row is selected, partly checked (`indeterminate`,
 * announced as "mixed") when some are, clear when none are.
 */
import { useEffect, useRef } from 'react';

export function TriStateCheckbox({
  label,
  selected,
  total,
  onToggle,
}: {
  label: string;
  selected: number;
  total: number;
  onToggle: () => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const partial = selected > 0 && selected < total;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = partial;
  }, [partial]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label={label}
      aria-checked={partial ? 'mixed' : total > 0 && selected === total}
      checked={total > 0 && selected === total}
      disabled={total === 0}
      onChange={onToggle}
    />
  );
}

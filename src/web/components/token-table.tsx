/**
 * The parts both token tables are made of: the toolbar (counts, "Delete selected"), sortable
 * headers with a select-all box, the name, created and last-used cells, and the confirmation that
 * lists the tokens about to be deleted. Each page keeps only its own columns and actions.
 */
import type { ReactNode } from 'react';
import type { TokenStatus } from '../api/types.ts';
import { formatDateTime } from '../lib/format.ts';
import type { SortDirection } from '../lib/token-list.ts';
import type { Selection } from '../lib/use-token-list.ts';
import { ConfirmDialog } from './dialog.tsx';
import { TriStateCheckbox } from './tri-state-checkbox.tsx';
import { When } from './when.tsx';

/** "2 active · 1 inactive · 1 expired" and the bulk delete, disabled until something is selected. */
export function TokenListToolbar(props: {
  counts: Record<TokenStatus, number>;
  selected: number;
  onDeleteSelected: () => void;
}) {
  const { counts, selected } = props;
  return (
    <div className="toolbar" role="toolbar" aria-label="Token list">
      <span className="counts" data-testid="token-counts">
        <strong>{counts.active}</strong> active · <strong>{counts.inactive}</strong> inactive
        {counts.expired > 0 ? (
          <>
            {' '}
            · <strong>{counts.expired}</strong> expired
          </>
        ) : null}
      </span>
      <button
        type="button"
        className="button danger"
        disabled={selected === 0}
        onClick={props.onDeleteSelected}
      >
        Delete selected{selected > 0 ? ` (${selected})` : ''}
      </button>
    </div>
  );
}

/** The header row: select-all for the page, one sort button per column, and the actions column. */
export function SortableHeaderRow<T, K extends string>(props: {
  columns: readonly { key: K; label: string }[];
  sort: K;
  direction: SortDirection;
  onSort: (key: K) => void;
  selection: Selection<T>;
}) {
  return (
    <tr>
      <th scope="col" className="select-cell">
        <TriStateCheckbox
          label="Select all tokens on this page"
          selected={props.selection.onPage}
          total={props.selection.pageRows}
          onToggle={props.selection.togglePage}
        />
      </th>
      {props.columns.map((column) => (
        <th key={column.key} scope="col" aria-sort={props.sort === column.key ? props.direction : undefined}>
          <button type="button" className="sort-button" onClick={() => props.onSort(column.key)}>
            {column.label}
            <span aria-hidden="true" className="sort-mark">
              {props.sort === column.key ? (props.direction === 'ascending' ? '▲' : '▼') : '↕'}
            </span>
          </button>
        </th>
      ))}
      <th scope="col">
        <span className="visually-hidden">Actions</span>
      </th>
    </tr>
  );
}

export function SelectCell(props: { name: string; checked: boolean; onChange: () => void }) {
  return (
    <td className="select-cell">
      <input
        type="checkbox"
        aria-label={`Select ${props.name}`}
        checked={props.checked}
        onChange={props.onChange}
      />
    </td>
  );
}

/** The token's name, its non-secret hint (to tell it apart from the secret in a password manager). */
export function TokenNameCell(props: { label: string; name: string; hint: string; children?: ReactNode }) {
  return (
    <td data-label={props.label}>
      <span className="token-name">{props.name}</span>
      <span className="mono hint" data-testid="token-hint">
        {props.hint}
      </span>
      {props.children}
    </td>
  );
}

export function CreatedCell({ createdAt }: { createdAt: string }) {
  return (
    <td data-label="Created">
      <When iso={createdAt} />
    </td>
  );
}

/** How long ago, with when, from which address and client in a disclosure (plus `children`). */
export function LastUsedCell(props: {
  at: string | null;
  ip: string | null;
  client: string | null;
  children?: ReactNode;
}) {
  return (
    <td data-label="Last used">
      {props.at ? (
        <details className="last-used">
          <summary>
            <When iso={props.at} as="relative" />
          </summary>
          <dl>
            <dt>When</dt>
            <dd>{formatDateTime(props.at)}</dd>
            <dt>IP address</dt>
            <dd>{props.ip || 'unknown'}</dd>
            <dt>Client</dt>
            <dd>{props.client || 'unknown'}</dd>
            {props.children}
          </dl>
        </details>
      ) : (
        <span className="muted">Never used</span>
      )}
    </td>
  );
}

/**
 * A row's actions: each a small button named for the token (`Edit ci`); Delete is always there,
 * last.
 */
export function TokenActionsCell(props: {
  name: string;
  actions: ReadonlyArray<{ label: string; run: () => void }>;
  onDelete: () => void;
}) {
  return (
    <td className="actions-cell">
      {props.actions.map((action) => (
        <button
          key={action.label}
          type="button"
          className="button small"
          onClick={action.run}
          aria-label={`${action.label} ${props.name}`}
        >
          {action.label}
        </button>
      ))}
      <button
        type="button"
        className="button small danger-outline"
        onClick={props.onDelete}
        aria-label={`Delete ${props.name}`}
      >
        Delete
      </button>
    </td>
  );
}

/**
 * "Delete 2 access tokens?" naming each one, with what stops working; after a partial failure the
 * error says which ones are left.
 */
export function DeleteTokensDialog(props: {
  names: readonly string[];
  consequence: string;
  busy: boolean;
  error?: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const count = props.names.length;
  return (
    <ConfirmDialog
      title={count === 1 ? 'Delete access token?' : `Delete ${count} access tokens?`}
      message={
        <>
          <p>{props.consequence}</p>
          <ul>
            {props.names.map((name, index) => (
              // Two tokens may share a label; the list is replaced whole.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above.
              <li key={index}>{name}</li>
            ))}
          </ul>
        </>
      }
      confirmLabel="Delete"
      busy={props.busy}
      error={props.error}
      onConfirm={props.onConfirm}
      onClose={props.onClose}
    />
  );
}

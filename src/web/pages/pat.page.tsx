/**
 * Account settings → Personal access tokens: the list with counts, sorting, paging, row actions
 * and bulk delete. The whole list is read (pages of 100) so sorting covers every token, not just
 * the page on screen.
 */
import { useState } from 'react';
import { api, fetchAllPages } from '../api/client.ts';
import type { AccessToken, AccessTokenPage } from '../api/types.ts';
import { ConfirmDialog, ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Pager } from '../components/pager.tsx';
import { SettingsNav } from '../components/settings-nav.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { ExpiresCell } from '../components/token-fields.tsx';
import { TriStateCheckbox } from '../components/tri-state-checkbox.tsx';
import { When } from '../components/when.tsx';
import { formatDateTime } from '../lib/format.ts';
import { useAccount } from '../lib/session.tsx';
import {
  countByStatus,
  type PatSortKey,
  pageOf,
  patActions,
  type SortDirection,
  scopeLabel,
  sortTokens,
  sourceLabel,
  tokenDescription,
} from '../lib/token-logic.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { EditPatDialog, GeneratePatDialog } from './pat-dialogs.tsx';
import { TokenReach } from './pat-restrictions.tsx';

type DialogState =
  | { kind: 'none' }
  | { kind: 'generate' }
  | { kind: 'edit'; token: AccessToken }
  | { kind: 'delete'; tokens: AccessToken[] };

const columns: { key: PatSortKey; label: string }[] = [
  { key: 'description', label: 'Description' },
  { key: 'scope', label: 'Scope' },
  { key: 'source', label: 'Source' },
  { key: 'status', label: 'Status' },
  { key: 'created', label: 'Created' },
  { key: 'last_used', label: 'Last used' },
  { key: 'expires', label: 'Expires' },
];

export function PatPage() {
  const account = useAccount();
  const [load, reload] = useLoad(
    () => fetchAllPages<AccessToken>('/v2/access-tokens', (reply) => reply as AccessTokenPage),
    [],
  );
  const [sort, setSort] = useState<{ key: PatSortKey; direction: SortDirection }>({
    key: 'created',
    direction: 'descending',
  });
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const [announcement, setAnnouncement] = useState('');

  const tokens = load.data ?? [];
  const counts = countByStatus(tokens);
  const slice = pageOf(sortTokens(tokens, sort.key, sort.direction), page, pageSize);
  const selectedTokens = tokens.filter((token) => selected.has(token.uuid));
  const closeDialog = () => setDialog({ kind: 'none' });

  function sortBy(key: PatSortKey) {
    setSort((current) => ({
      key,
      direction: current.key === key && current.direction === 'ascending' ? 'descending' : 'ascending',
    }));
    setPage(1);
  }

  function toggle(uuid: string) {
    const next = new Set(selected);
    if (next.has(uuid)) next.delete(uuid);
    else next.add(uuid);
    setSelected(next);
  }

  const pageAllSelected = slice.items.length > 0 && slice.items.every((token) => selected.has(token.uuid));
  function togglePage() {
    const next = new Set(selected);
    for (const token of slice.items) {
      if (pageAllSelected) next.delete(token.uuid);
      else next.add(token.uuid);
    }
    setSelected(next);
  }

  async function setActive(token: AccessToken, active: boolean) {
    setActionError(undefined);
    try {
      await api('PATCH', `/v2/access-tokens/${token.uuid}`, { body: { is_active: active } });
      setAnnouncement(`${tokenDescription(token)} ${active ? 'activated' : 'deactivated'}.`);
      reload();
    } catch (caught) {
      setActionError(messageOf(caught));
    }
  }

  async function deleteTokens(victims: AccessToken[]) {
    setBusy(true);
    setActionError(undefined);
    try {
      const uuids = victims.map((token) => token.uuid);
      if (uuids.length === 1) await api('DELETE', `/v2/access-tokens/${uuids[0]}`);
      else await api('POST', '/v2/access-tokens/bulk-delete', { body: { uuids } });
      setSelected((current) => new Set([...current].filter((uuid) => !uuids.includes(uuid))));
      setAnnouncement(victims.length === 1 ? 'Token deleted.' : `${victims.length} tokens deleted.`);
      closeDialog();
      reload();
    } catch (caught) {
      setActionError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="page" aria-labelledby="pat-title">
      <p className="eyebrow">Account settings</p>
      <SettingsNav current="tokens" />
      <div className="page-header">
        <div>
          <h1 id="pat-title">Personal access tokens</h1>
          <p className="muted">
            Use a token instead of your password with <code>docker login</code>, CI pipelines and scripts. A
            token can do at most what your account can, limited by its access permissions.
          </p>
        </div>
        <button type="button" className="button primary" onClick={() => setDialog({ kind: 'generate' })}>
          Generate new token
        </button>
      </div>

      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {load.status === 'error' ? <ErrorAlert message={load.error} /> : null}
      {actionError && dialog.kind === 'none' ? <ErrorAlert message={actionError} /> : null}

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
          disabled={selectedTokens.length === 0}
          onClick={() => setDialog({ kind: 'delete', tokens: selectedTokens })}
        >
          Delete selected{selectedTokens.length > 0 ? ` (${selectedTokens.length})` : ''}
        </button>
      </div>

      {load.status === 'loading' && !load.data ? (
        <p role="status">Loading tokens…</p>
      ) : tokens.length === 0 && load.status === 'ready' ? (
        <EmptyState title="No access tokens yet">
          <p>Generate one to sign in with the docker CLI or to let a pipeline push and pull images.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data-table responsive">
            <caption className="visually-hidden">Personal access tokens, sorted by {sort.key}</caption>
            <thead>
              <tr>
                <th scope="col" className="select-cell">
                  <TriStateCheckbox
                    label="Select all tokens on this page"
                    selected={slice.items.filter((token) => selected.has(token.uuid)).length}
                    total={slice.items.length}
                    onToggle={togglePage}
                  />
                </th>
                {columns.map((column) => (
                  <th
                    key={column.key}
                    scope="col"
                    aria-sort={sort.key === column.key ? sort.direction : undefined}
                  >
                    <button type="button" className="sort-button" onClick={() => sortBy(column.key)}>
                      {column.label}
                      <span aria-hidden="true" className="sort-mark">
                        {sort.key === column.key ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                ))}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {slice.items.map((token) => (
                <PatRow
                  key={token.uuid}
                  token={token}
                  selected={selected.has(token.uuid)}
                  onSelect={() => toggle(token.uuid)}
                  onEdit={() => setDialog({ kind: 'edit', token })}
                  onToggle={(active) => void setActive(token, active)}
                  onDelete={() => setDialog({ kind: 'delete', tokens: [token] })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Token list"
        {...slice}
        pageSize={pageSize}
        onPage={setPage}
        onPageSize={(size) => {
          setPageSize(size);
          setPage(1);
        }}
      />

      {dialog.kind === 'generate' ? (
        <GeneratePatDialog username={account.username} onClose={closeDialog} onCreated={reload} />
      ) : null}
      {dialog.kind === 'edit' ? (
        <EditPatDialog
          token={dialog.token}
          onClose={closeDialog}
          onSaved={() => {
            setAnnouncement('Token saved.');
            closeDialog();
            reload();
          }}
        />
      ) : null}
      {dialog.kind === 'delete' ? (
        <ConfirmDialog
          title={
            dialog.tokens.length === 1
              ? 'Delete access token?'
              : `Delete ${dialog.tokens.length} access tokens?`
          }
          message={
            <>
              <p>
                Anything that uses {dialog.tokens.length === 1 ? 'this token' : 'these tokens'} will stop
                working at once:
              </p>
              <ul>
                {dialog.tokens.map((token) => (
                  <li key={token.uuid}>{tokenDescription(token)}</li>
                ))}
              </ul>
            </>
          }
          confirmLabel="Delete"
          busy={busy}
          error={actionError}
          onConfirm={() => void deleteTokens(dialog.tokens)}
          onClose={() => {
            setActionError(undefined);
            closeDialog();
          }}
        />
      ) : null}
    </section>
  );
}

interface RowProps {
  token: AccessToken;
  selected: boolean;
  onSelect: () => void;
  onEdit: () => void;
  onToggle: (active: boolean) => void;
  onDelete: () => void;
}

function PatRow({ token, selected, onSelect, onEdit, onToggle, onDelete }: RowProps) {
  const name = tokenDescription(token);
  const actions = patActions(token.status);
  return (
    <tr aria-selected={selected} data-testid="pat-row">
      <td className="select-cell">
        <input type="checkbox" aria-label={`Select ${name}`} checked={selected} onChange={onSelect} />
      </td>
      <td data-label="Description">
        <span className="token-name">{name}</span>
        <span className="mono hint">{token.token_hint}</span>
      </td>
      <td data-label="Scope">{scopeLabel(token.scopes)}</td>
      <td data-label="Source">{sourceLabel(token.generated_by)}</td>
      <td data-label="Status">
        <StatusBadge status={token.status} />
      </td>
      <td data-label="Created">
        <When iso={token.created_at} />
      </td>
      <td data-label="Last used">
        {token.last_used ? (
          <details className="last-used">
            <summary>
              <When iso={token.last_used} as="relative" />
            </summary>
            <dl>
              <dt>When</dt>
              <dd>{formatDateTime(token.last_used)}</dd>
              <dt>IP address</dt>
              <dd>{token.last_used_ip || 'unknown'}</dd>
              <dt>Client</dt>
              <dd>{token.last_used_ua || 'unknown'}</dd>
              <TokenReach
                resources={token.resources}
                allowedCidrs={token.allowed_cidrs}
                lastUsedIps={token.last_used_ips}
              />
            </dl>
          </details>
        ) : (
          <span className="muted">Never used</span>
        )}
      </td>
      <ExpiresCell expiresAt={token.expires_at} />
      <td className="actions-cell">
        {actions.edit ? (
          <button type="button" className="button small" onClick={onEdit} aria-label={`Edit ${name}`}>
            Edit
          </button>
        ) : null}
        {actions.toggle ? (
          <button
            type="button"
            className="button small"
            onClick={() => onToggle(actions.toggle === 'Activate')}
            aria-label={`${actions.toggle} ${name}`}
          >
            {actions.toggle}
          </button>
        ) : null}
        <button
          type="button"
          className="button small danger-outline"
          onClick={onDelete}
          aria-label={`Delete ${name}`}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

/**
 * Account settings → Personal access tokens: the list with counts, sorting, paging, row actions
 * and bulk delete. The whole list is read (pages of 100) so sorting covers every token, not just
 * the page on screen; page, sort and page size live in the URL.
 */
import { useState } from 'react';
import { api, fetchAllPages } from '../api/client.ts';
import type { AccessToken, AccessTokenPage } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { Pager } from '../components/pager.tsx';
import { SettingsNav } from '../components/settings-nav.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { ExpiresCell } from '../components/token-fields.tsx';
import {
  CreatedCell,
  DeleteTokensDialog,
  LastUsedCell,
  SelectCell,
  SortableHeaderRow,
  TokenActionsCell,
  TokenListToolbar,
  TokenNameCell,
} from '../components/token-table.tsx';
import { useAccount } from '../lib/session.tsx';
import { countByStatus } from '../lib/token-list.ts';
import {
  type PatSortKey,
  patActions,
  patSortKeys,
  scopeLabel,
  sortTokens,
  sourceLabel,
  tokenDescription,
} from '../lib/token-logic.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { useTokenList } from '../lib/use-token-list.ts';
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
  const tokens = load.data ?? [];
  const list = useTokenList({
    tokens,
    idOf: (token) => token.uuid,
    sortKeys: patSortKeys,
    defaultSort: { sort: 'created', direction: 'descending' },
    sorted: sortTokens,
  });
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const notice = useNotice();
  const { slice, selection } = list;
  const closeDialog = () => setDialog({ kind: 'none' });

  async function setActive(token: AccessToken, active: boolean) {
    setActionError(undefined);
    try {
      await api('PATCH', `/v2/access-tokens/${token.uuid}`, { body: { is_active: active } });
      notice.show(`${tokenDescription(token)} ${active ? 'activated' : 'deactivated'}.`);
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
      selection.forget(victims);
      notice.show(victims.length === 1 ? 'Token deleted.' : `${victims.length} tokens deleted.`);
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

      <Notice notice={notice} />
      {load.status === 'error' ? <ErrorAlert message={load.error} /> : null}
      {actionError && dialog.kind === 'none' ? <ErrorAlert message={actionError} /> : null}

      <TokenListToolbar
        counts={countByStatus(tokens)}
        selected={selection.tokens.length}
        onDeleteSelected={() => setDialog({ kind: 'delete', tokens: selection.tokens })}
      />

      {load.status === 'loading' && !load.data ? (
        <p role="status">Loading tokens…</p>
      ) : tokens.length === 0 && load.status === 'ready' ? (
        <EmptyState title="No access tokens yet">
          <p>Generate one to sign in with the docker CLI or to let a pipeline push and pull images.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data-table responsive">
            <caption className="visually-hidden">
              Personal access tokens, sorted by{' '}
              {columns.find((column) => column.key === list.params.sort)?.label}
            </caption>
            <thead>
              <SortableHeaderRow
                columns={columns}
                sort={list.params.sort}
                direction={list.params.direction}
                onSort={list.sortBy}
                selection={selection}
              />
            </thead>
            <tbody>
              {slice.items.map((token) => (
                <PatRow
                  key={token.uuid}
                  token={token}
                  selected={selection.has(token)}
                  onSelect={() => selection.toggle(token)}
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
        pageSize={list.params.size}
        onPage={list.setPage}
        onPageSize={list.setPageSize}
      />

      {dialog.kind === 'generate' ? (
        <GeneratePatDialog
          username={account.username}
          onClose={closeDialog}
          onCreated={() => {
            notice.show('Token generated. Copy it now: it is shown only once.');
            reload();
          }}
        />
      ) : null}
      {dialog.kind === 'edit' ? (
        <EditPatDialog
          token={dialog.token}
          onClose={closeDialog}
          onSaved={() => {
            notice.show('Token saved.');
            closeDialog();
            reload();
          }}
        />
      ) : null}
      {dialog.kind === 'delete' ? (
        <DeleteTokensDialog
          names={dialog.tokens.map(tokenDescription)}
          consequence={`Anything that uses ${dialog.tokens.length === 1 ? 'this token' : 'these tokens'} will stop working at once:`}
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
  const toggle = actions.toggle;
  return (
    <tr aria-selected={selected} data-testid="pat-row">
      <SelectCell name={name} checked={selected} onChange={onSelect} />
      <TokenNameCell label="Description" name={name} hint={token.token_hint} />
      <td data-label="Scope">{scopeLabel(token.scopes)}</td>
      <td data-label="Source">{sourceLabel(token.generated_by)}</td>
      <td data-label="Status">
        <StatusBadge status={token.status} />
      </td>
      <CreatedCell createdAt={token.created_at} />
      <LastUsedCell at={token.last_used} ip={token.last_used_ip} client={token.last_used_ua}>
        <TokenReach
          resources={token.resources}
          allowedCidrs={token.allowed_cidrs}
          lastUsedIps={token.last_used_ips}
        />
      </LastUsedCell>
      <ExpiresCell expiresAt={token.expires_at} />
      <TokenActionsCell
        name={name}
        actions={[
          ...(actions.edit ? [{ label: 'Edit', run: onEdit }] : []),
          ...(toggle ? [{ label: toggle, run: () => onToggle(toggle === 'Activate') }] : []),
        ]}
        onDelete={onDelete}
      />
    </tr>
  );
}

/**
 * Organizations → Access tokens (owners only): the list with the tier limit, counts, sorting,
 * paging, generate, edit, deactivate, delete and bulk delete. The whole list is read (an
 * organization has at most 100 tokens) so sorting covers every token; page, sort and page size
 * live in the URL. Inactive and expired tokens offer only delete: the API never reactivates an
 * organization token.
 */
import { useState } from 'react';
import { api, fetchAllPages } from '../api/client.ts';
import type { OrgAccessToken, OrgAccessTokenPage } from '../api/types.ts';
import { ConfirmDialog, ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { Pager } from '../components/pager.tsx';
import { DeleteTokensDialog, SortableHeaderRow, TokenListToolbar } from '../components/token-table.tsx';
import { registryHost } from '../lib/instance.ts';
import { type OatSortKey, oatSortKeys, sortOrgTokens, tierLimitText } from '../lib/oat-logic.ts';
import { Link } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { countByStatus, removeEach } from '../lib/token-list.ts';
import { dockerLoginCommand } from '../lib/token-logic.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { useTokenList } from '../lib/use-token-list.ts';
import { EditOatDialog, GenerateOatDialog } from './oat-dialogs.tsx';
import { OatRow } from './oat-row.tsx';
import { mayManageTokens, useOrganization } from './org.page.tsx';

type DialogState =
  | { kind: 'none' }
  | { kind: 'generate' }
  | { kind: 'edit'; token: OrgAccessToken }
  | { kind: 'deactivate'; token: OrgAccessToken }
  | { kind: 'delete'; tokens: OrgAccessToken[] };

const columns: { key: OatSortKey; label: string }[] = [
  { key: 'label', label: 'Label' },
  { key: 'created_by', label: 'Created by' },
  { key: 'status', label: 'Status' },
  { key: 'created', label: 'Created' },
  { key: 'last_used', label: 'Last used' },
  { key: 'expires', label: 'Expires' },
];

export function OrgTokensPage({ org: name }: { org: string }) {
  const account = useAccount();
  const [orgLoad, reloadOrg] = useOrganization(name);
  const org = orgLoad.data;
  const allowed = org !== undefined && mayManageTokens(org, account.is_admin);
  const tokensPath = `/v2/orgs/${encodeURIComponent(name)}/access-tokens`;
  const [tokens, reloadTokens] = useLoad(
    () =>
      allowed
        ? fetchAllPages<OrgAccessToken>(tokensPath, (reply) => reply as OrgAccessTokenPage)
        : Promise.resolve(undefined),
    [tokensPath, allowed],
  );
  const all = tokens.data ?? [];
  const list = useTokenList({
    tokens: all,
    idOf: (token) => token.id,
    sortKeys: oatSortKeys,
    defaultSort: { sort: 'created', direction: 'descending' },
    sorted: sortOrgTokens,
  });
  const { slice, selection } = list;
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const notice = useNotice();

  const reload = () => {
    reloadOrg();
    reloadTokens();
  };
  const closeDialog = () => {
    setActionError(undefined);
    setDialog({ kind: 'none' });
  };

  async function deactivate(token: OrgAccessToken) {
    setBusy(true);
    setActionError(undefined);
    try {
      await api('PATCH', `${tokensPath}/${token.id}`, { body: { is_active: false } });
      notice.show(`${token.label} deactivated.`);
      setDialog({ kind: 'none' });
      reload();
    } catch (caught) {
      setActionError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  /** The API deletes one organization token at a time; the dialog stays open on what failed. */
  async function deleteTokens(victims: OrgAccessToken[]) {
    setBusy(true);
    setActionError(undefined);
    const { deleted, failed } = await removeEach(victims, (token) =>
      api('DELETE', `${tokensPath}/${token.id}`),
    );
    selection.forget(deleted);
    setBusy(false);
    reload();
    if (deleted.length > 0) {
      notice.show(deleted.length === 1 ? 'Token deleted.' : `${deleted.length} tokens deleted.`);
    }
    if (failed.length === 0) return setDialog({ kind: 'none' });
    setDialog({ kind: 'delete', tokens: failed.map((failure) => failure.item) });
    setActionError(
      `${deleted.length} of ${victims.length} deleted. Not deleted: ${failed
        .map((failure) => `${failure.item.label} (${failure.message})`)
        .join('; ')}`,
    );
  }

  const header = (
    <>
      <p className="eyebrow">
        <Link to="/orgs">Organizations</Link> /{' '}
        <Link to={`/orgs/${encodeURIComponent(name)}`}>{org?.name ?? name}</Link>
      </p>
      <h1 id="oat-title">Access tokens</h1>
    </>
  );

  if (orgLoad.status === 'error' || (org && !allowed)) {
    return (
      <section className="page" aria-labelledby="oat-title">
        {header}
        {orgLoad.status === 'error' ? (
          <ErrorAlert message={orgLoad.error} />
        ) : (
          <div className="alert alert-info" role="status">
            Only owners of {org?.name} can see and manage its access tokens.
          </div>
        )}
      </section>
    );
  }

  const usage = org?.access_tokens;
  const full = usage !== undefined && usage.count >= usage.limit;
  return (
    <section className="page" aria-labelledby="oat-title">
      {header}
      <div className="page-header">
        <p className="muted">
          Organization access tokens belong to {org?.name ?? name}, not to a person: pipelines keep working
          when people leave. Sign in with <code>{dockerLoginCommand(org?.name ?? name, registryHost())}</code>
          .
        </p>
        <div className="header-actions">
          {usage ? (
            <span className="usage" data-testid="tier-usage">
              {tierLimitText(usage)}
            </span>
          ) : null}
          <button
            type="button"
            className="button primary"
            disabled={!org || full}
            aria-describedby={full ? 'oat-full-help' : undefined}
            onClick={() => setDialog({ kind: 'generate' })}
          >
            Generate new token
          </button>
        </div>
      </div>
      {full ? (
        <p id="oat-full-help" className="hint">
          {usage?.limit === 0
            ? 'Ask an administrator to move the organization to the Team or Business tier.'
            : 'The limit is reached: delete tokens you no longer need (inactive and expired ones count too).'}
        </p>
      ) : null}
      <Notice notice={notice} />
      {tokens.status === 'error' ? <ErrorAlert message={tokens.error} /> : null}
      {actionError && dialog.kind === 'none' ? <ErrorAlert message={actionError} /> : null}

      <TokenListToolbar
        counts={countByStatus(all)}
        selected={selection.tokens.length}
        onDeleteSelected={() => setDialog({ kind: 'delete', tokens: selection.tokens })}
      />

      {tokens.data === undefined ? (
        // Also while the organization loads: whether the tokens may be read is not known yet.
        tokens.status === 'error' ? null : (
          <p role="status">Loading tokens…</p>
        )
      ) : all.length === 0 ? (
        <EmptyState title="No organization access tokens yet">
          <p>Generate one for a pipeline that pushes to or pulls from {org?.name ?? name}’s repositories.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data-table responsive">
            <caption className="visually-hidden">
              Organization access tokens, sorted by{' '}
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
                <OatRow
                  key={token.id}
                  token={token}
                  selected={selection.has(token)}
                  onSelect={() => selection.toggle(token)}
                  onEdit={() => setDialog({ kind: 'edit', token })}
                  onDeactivate={() => setDialog({ kind: 'deactivate', token })}
                  onDelete={() => setDialog({ kind: 'delete', tokens: [token] })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Organization tokens"
        {...slice}
        pageSize={list.params.size}
        onPage={list.setPage}
        onPageSize={list.setPageSize}
      />

      {dialog.kind === 'generate' ? (
        <GenerateOatDialog
          org={name}
          onClose={closeDialog}
          onCreated={() => {
            notice.show('Token generated. Copy it now: it is shown only once.');
            reload();
          }}
        />
      ) : null}
      {dialog.kind === 'edit' ? (
        <EditOatDialog
          org={name}
          token={dialog.token}
          onClose={closeDialog}
          onSaved={() => {
            notice.show('Token saved.');
            closeDialog();
            reload();
          }}
        />
      ) : null}
      {dialog.kind === 'deactivate' ? (
        <ConfirmDialog
          title={`Deactivate ${dialog.token.label}?`}
          message={
            <p>
              Pipelines using this token stop working at once. An inactive organization token cannot be
              activated again; it can only be deleted.
            </p>
          }
          confirmLabel="Deactivate"
          busy={busy}
          error={actionError}
          onConfirm={() => void deactivate(dialog.token)}
          onClose={closeDialog}
        />
      ) : null}
      {dialog.kind === 'delete' ? (
        <DeleteTokensDialog
          names={dialog.tokens.map((token) => token.label)}
          consequence={`Pipelines using ${dialog.tokens.length === 1 ? 'this token' : 'these tokens'} stop working at once; each deleted token frees a place within the tier limit:`}
          busy={busy}
          error={actionError}
          onConfirm={() => void deleteTokens(dialog.tokens)}
          onClose={closeDialog}
        />
      ) : null}
    </section>
  );
}

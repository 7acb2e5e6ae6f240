/**
 * Organizations → Access tokens (owners only): the list with the tier limit, generate, edit,
 * deactivate and delete. Inactive and expired tokens offer only delete: the API never reactivates
 * an organization token.
 */
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { OrgAccessToken, OrgAccessTokenPage } from '../api/types.ts';
import { ConfirmDialog, ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Pager } from '../components/pager.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { ExpiresCell } from '../components/token-fields.tsx';
import { When } from '../components/when.tsx';
import { shortAddress } from '../lib/format.ts';
import { registryHost } from '../lib/instance.ts';
import { describeResources, tierLimitText } from '../lib/oat-logic.ts';
import { Link } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { dockerLoginCommand } from '../lib/token-logic.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { EditOatDialog, GenerateOatDialog } from './oat-dialogs.tsx';
import { mayManageTokens, useOrganization } from './org.page.tsx';

type DialogState =
  | { kind: 'none' }
  | { kind: 'generate' }
  | { kind: 'edit'; token: OrgAccessToken }
  | { kind: 'deactivate'; token: OrgAccessToken }
  | { kind: 'delete'; token: OrgAccessToken };

export function OrgTokensPage({ org: name }: { org: string }) {
  const account = useAccount();
  const [orgLoad, reloadOrg] = useOrganization(name);
  const org = orgLoad.data;
  const allowed = org !== undefined && mayManageTokens(org, account.is_admin);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [tokens, reloadTokens] = useLoad(
    () =>
      allowed
        ? api<OrgAccessTokenPage>('GET', `/v2/orgs/${encodeURIComponent(name)}/access-tokens`, {
            query: { page, page_size: pageSize },
          })
        : Promise.resolve(undefined),
    [name, allowed, page, pageSize],
  );
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const [announcement, setAnnouncement] = useState('');

  const reload = () => {
    reloadOrg();
    reloadTokens();
  };
  const closeDialog = () => {
    setActionError(undefined);
    setDialog({ kind: 'none' });
  };

  async function change(token: OrgAccessToken, action: 'deactivate' | 'delete') {
    setBusy(true);
    setActionError(undefined);
    const path = `/v2/orgs/${encodeURIComponent(name)}/access-tokens/${token.id}`;
    try {
      if (action === 'delete') await api('DELETE', path);
      else await api('PATCH', path, { body: { is_active: false } });
      setAnnouncement(`${token.label} ${action === 'delete' ? 'deleted' : 'deactivated'}.`);
      setDialog({ kind: 'none' });
      reload();
    } catch (caught) {
      setActionError(messageOf(caught));
    } finally {
      setBusy(false);
    }
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
  const list = tokens.data?.results ?? [];
  const total = tokens.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
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
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {tokens.status === 'error' ? <ErrorAlert message={tokens.error} /> : null}
      {actionError && dialog.kind === 'none' ? <ErrorAlert message={actionError} /> : null}

      {tokens.status === 'loading' && !tokens.data ? (
        <p role="status">Loading tokens…</p>
      ) : list.length === 0 && tokens.status === 'ready' ? (
        <EmptyState title="No organization access tokens yet">
          <p>Generate one for a pipeline that pushes to or pulls from {org?.name ?? name}’s repositories.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data-table responsive">
            <caption className="visually-hidden">Organization access tokens, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Created by</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((token) => (
                <tr key={token.id} data-testid="oat-row">
                  <td data-label="Label">
                    <span className="token-name">{token.label}</span>
                    {token.description ? <span className="hint">{token.description}</span> : null}
                    <details className="resources">
                      <summary>
                        {token.resources.length} permission{token.resources.length === 1 ? '' : 's'}
                      </summary>
                      <ul>
                        {describeResources(token.resources).map((line) => (
                          <li key={line}>{line}</li>
                        ))}
                      </ul>
                    </details>
                  </td>
                  <td data-label="Created by">{token.created_by || 'unknown'}</td>
                  <td data-label="Status">
                    <StatusBadge status={token.status} />
                  </td>
                  <td data-label="Last used">
                    {token.last_used_at ? (
                      <span title={[token.last_used_ip, token.last_used_ua].filter(Boolean).join(' · ')}>
                        <When iso={token.last_used_at} as="relative" />
                        {token.last_used_ip ? (
                          <span className="hint nowrap">from {shortAddress(token.last_used_ip)}</span>
                        ) : null}
                      </span>
                    ) : (
                      <span className="muted">Never used</span>
                    )}
                  </td>
                  <ExpiresCell expiresAt={token.expires_at} />
                  <td className="actions-cell">
                    {token.status === 'active' ? (
                      <>
                        <button
                          type="button"
                          className="button small"
                          aria-label={`Edit ${token.label}`}
                          onClick={() => setDialog({ kind: 'edit', token })}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="button small"
                          aria-label={`Deactivate ${token.label}`}
                          onClick={() => setDialog({ kind: 'deactivate', token })}
                        >
                          Deactivate
                        </button>
                      </>
                    ) : null}
                    <button
                      type="button"
                      className="button small danger-outline"
                      aria-label={`Delete ${token.label}`}
                      onClick={() => setDialog({ kind: 'delete', token })}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Organization tokens"
        page={page}
        pageCount={pageCount}
        first={total === 0 ? 0 : (page - 1) * pageSize + 1}
        last={(page - 1) * pageSize + list.length}
        total={total}
        pageSize={pageSize}
        onPage={setPage}
        onPageSize={(size) => {
          setPageSize(size);
          setPage(1);
        }}
      />

      {dialog.kind === 'generate' ? (
        <GenerateOatDialog org={name} onClose={closeDialog} onCreated={reload} />
      ) : null}
      {dialog.kind === 'edit' ? (
        <EditOatDialog
          org={name}
          token={dialog.token}
          onClose={closeDialog}
          onSaved={() => {
            setAnnouncement('Token saved.');
            closeDialog();
            reload();
          }}
        />
      ) : null}
      {dialog.kind === 'deactivate' || dialog.kind === 'delete' ? (
        <ConfirmDialog
          title={
            dialog.kind === 'delete' ? `Delete ${dialog.token.label}?` : `Deactivate ${dialog.token.label}?`
          }
          message={
            <p>
              {dialog.kind === 'delete'
                ? 'Pipelines using this token stop working at once, and it frees a place within the tier limit.'
                : 'Pipelines using this token stop working at once. An inactive organization token cannot be activated again; it can only be deleted.'}
            </p>
          }
          confirmLabel={dialog.kind === 'delete' ? 'Delete' : 'Deactivate'}
          busy={busy}
          error={actionError}
          onConfirm={() => void change(dialog.token, dialog.kind === 'delete' ? 'delete' : 'deactivate')}
          onClose={closeDialog}
        />
      ) : null}
    </section>
  );
}

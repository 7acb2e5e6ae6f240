/**
 * OIDC connections of an organization (Organizations → OIDC connections, owners only) or of the
 * signed-in account (Account settings → OIDC connections): the list, activate, deactivate and
 * delete. Creating and editing (with the ruleset editor and the failure log) is on its own page.
 */
import { type ReactNode, useState } from 'react';
import { api, fetchAllPages } from '../api/client.ts';
import type { OidcConnection, Organization, Page } from '../api/types.ts';
import { ConfirmDialog, ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { SettingsNav } from '../components/settings-nav.tsx';
import { When } from '../components/when.tsx';
import { registryHost } from '../lib/instance.ts';
import { type ConnectionOwner, connectionsPage, connectionsPath } from '../lib/oidc-logic.ts';
import { Link } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { dockerLoginCommand } from '../lib/token-logic.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { mayManageTokens } from './org.page.tsx';

/** The page's frame: where it sits in the console, and (for an organization) whether you may see it. */
export function ConnectionsFrame(props: { owner: ConnectionOwner; title: string; children: ReactNode }) {
  const { owner } = props;
  const account = useAccount();
  const [orgLoad] = useLoad(
    () =>
      owner.kind === 'org'
        ? api<Organization>('GET', `/v2/orgs/${encodeURIComponent(owner.name)}`)
        : Promise.resolve(undefined),
    [owner.kind, owner.name],
  );
  const org = owner.kind === 'org' ? orgLoad.data : undefined;
  const denied = owner.kind === 'org' && org !== undefined && !mayManageTokens(org, account.is_admin);
  return (
    <section className="page" aria-labelledby="oidc-title">
      {owner.kind === 'org' ? (
        <p className="eyebrow">
          <Link to="/orgs">Organizations</Link> /{' '}
          <Link to={`/orgs/${encodeURIComponent(owner.name)}`}>{owner.name}</Link> /{' '}
          <Link to={connectionsPage(owner)}>OIDC connections</Link>
        </p>
      ) : (
        <>
          <p className="eyebrow">Account settings</p>
          <SettingsNav current="oidc" />
        </>
      )}
      <h1 id="oidc-title">{props.title}</h1>
      {owner.kind === 'org' && orgLoad.status === 'error' ? <ErrorAlert message={orgLoad.error} /> : null}
      {denied ? (
        <div className="alert alert-info" role="status">
          Only owners of {owner.name} can see and manage its OIDC connections.
        </div>
      ) : (
        props.children
      )}
    </section>
  );
}

type Confirming = { connection: OidcConnection; action: 'deactivate' | 'delete' } | undefined;

export function OidcConnectionsPage({ owner }: { owner: ConnectionOwner }) {
  const [list, reload] = useLoad(
    () => fetchAllPages<OidcConnection>(connectionsPath(owner), (reply) => reply as Page<OidcConnection>),
    [owner.kind, owner.name],
  );
  const [confirming, setConfirming] = useState<Confirming>();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const notice = useNotice();

  async function change(connection: OidcConnection, action: 'activate' | 'deactivate' | 'delete') {
    setBusy(true);
    setActionError(undefined);
    const path = `${connectionsPath(owner)}/${connection.id}`;
    try {
      if (action === 'delete') await api('DELETE', path);
      else await api('PATCH', path, { body: { is_active: action === 'activate' } });
      notice.show(`${connection.label} ${action === 'delete' ? 'deleted' : `${action}d`}.`);
      setConfirming(undefined);
      reload();
    } catch (caught) {
      setActionError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  const connections = list.data ?? [];
  const newLink = `${connectionsPage(owner)}/new`;
  return (
    <ConnectionsFrame owner={owner} title="OIDC connections">
      <div className="page-header">
        <p className="muted">
          CI jobs sign in with their own identity token (GitHub Actions, GitLab CI, any OpenID issuer) instead
          of a stored secret. A connection says which issuer to trust and which jobs (by their{' '}
          <code>sub</code>) may push or pull which of {owner.name}’s repositories. Log in with{' '}
          <code>{dockerLoginCommand(owner.name, registryHost())}</code>.
        </p>
        <Link to={newLink} className="button primary">
          New connection
        </Link>
      </div>
      <Notice notice={notice} />
      {list.status === 'error' ? <ErrorAlert message={list.error} /> : null}
      {actionError && !confirming ? <ErrorAlert message={actionError} /> : null}
      {list.status === 'loading' && !list.data ? (
        <p role="status">Loading connections…</p>
      ) : connections.length === 0 && list.status === 'ready' ? (
        <EmptyState title="No OIDC connections yet">
          <p>Create one for a pipeline that should push without a stored token.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data-table responsive">
            <caption className="visually-hidden">OIDC connections, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Issuer</th>
                <th scope="col">Rulesets</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {connections.map((connection) => (
                <tr key={connection.id} data-testid="oidc-row">
                  <td data-label="Label">
                    <Link to={`${connectionsPage(owner)}/${connection.id}`} className="token-name">
                      {connection.label}
                    </Link>
                  </td>
                  <td data-label="Issuer" className="mono">
                    {connection.issuer}
                  </td>
                  <td data-label="Rulesets">{connection.rulesets.map((r) => r.subject).join(', ')}</td>
                  <td data-label="Status">
                    <span className={`badge badge-${connection.is_active ? 'active' : 'inactive'}`}>
                      {connection.is_active ? 'Active' : 'Inactive'}
                    </span>
                  </td>
                  <td data-label="Last used">
                    {connection.last_used_at ? (
                      <When iso={connection.last_used_at} as="relative" />
                    ) : (
                      <span className="muted">Never used</span>
                    )}
                  </td>
                  <td className="actions-cell">
                    <Link
                      to={`${connectionsPage(owner)}/${connection.id}`}
                      className="button small"
                      aria-label={`Edit ${connection.label}`}
                    >
                      Edit
                    </Link>
                    {connection.is_active ? (
                      <button
                        type="button"
                        className="button small"
                        aria-label={`Deactivate ${connection.label}`}
                        onClick={() => setConfirming({ connection, action: 'deactivate' })}
                      >
                        Deactivate
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="button small"
                        aria-label={`Activate ${connection.label}`}
                        disabled={busy}
                        onClick={() => void change(connection, 'activate')}
                      >
                        Activate
                      </button>
                    )}
                    <button
                      type="button"
                      className="button small danger-outline"
                      aria-label={`Delete ${connection.label}`}
                      onClick={() => setConfirming({ connection, action: 'delete' })}
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
      {confirming ? (
        <ConfirmDialog
          title={`${confirming.action === 'delete' ? 'Delete' : 'Deactivate'} ${confirming.connection.label}?`}
          message={
            <p>
              {confirming.action === 'delete'
                ? 'Jobs using it stop at once, tokens already exchanged included, and its failure log goes with it.'
                : 'Jobs using it stop at once, tokens already exchanged included, until you activate it again.'}
            </p>
          }
          confirmLabel={confirming.action === 'delete' ? 'Delete' : 'Deactivate'}
          busy={busy}
          error={actionError}
          onConfirm={() => void change(confirming.connection, confirming.action)}
          onClose={() => {
            setActionError(undefined);
            setConfirming(undefined);
          }}
        />
      ) : null}
    </ConnectionsFrame>
  );
}

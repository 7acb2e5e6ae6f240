/**
 * Create or edit one OIDC connection: issuer (with presets), audience, token lifetime, single use,
 * 1-5 rulesets with the pattern preview; on an existing connection also the table of recent
 * refused attempts with their reasons (the failure log) and how a job signs in with it.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { OidcConnection, OidcFailure, Page } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, useRefusals } from '../components/form-field.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { Address, When } from '../components/when.tsx';
import { navigateWithNotice } from '../lib/flash.ts';
import {
  bodyFromDraft,
  type ConnectionDraft,
  type ConnectionOwner,
  connectionsPage,
  connectionsPath,
  draftFromConnection,
  draftProblem,
  emptyDraft,
  emptyRuleset,
  issuerPresets,
  maxRulesets,
} from '../lib/oidc-logic.ts';
import { useLoad } from '../lib/use-load.ts';
import { ConnectionsFrame } from './oidc-connections.page.tsx';
import { RulesetEditor } from './oidc-ruleset-editor.tsx';

export function OidcConnectionEditPage({ owner, id }: { owner: ConnectionOwner; id?: string | undefined }) {
  const [load] = useLoad(
    () => (id ? api<OidcConnection>('GET', `${connectionsPath(owner)}/${id}`) : Promise.resolve(undefined)),
    [owner.kind, owner.name, id],
  );
  const [draft, setDraft] = useState<ConnectionDraft>(() => emptyDraft(owner));
  const { busy, error, problems, setError, setProblems, attempt } = useRefusals([
    'label',
    'issuer',
    'audience',
    'token_ttl_seconds',
  ]);
  const notice = useNotice();
  const connection = load.data;
  useEffect(() => {
    if (connection) setDraft(draftFromConnection(connection));
  }, [connection]);

  const set = (change: Partial<ConnectionDraft>) => setDraft((current) => ({ ...current, ...change }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = draftProblem(draft);
    setError(problem);
    setProblems({});
    notice.clear();
    if (problem) return;
    await attempt(async () => {
      const body = bodyFromDraft(owner, draft);
      if (id) {
        const saved = await api<OidcConnection>('PATCH', `${connectionsPath(owner)}/${id}`, { body });
        notice.show(`${saved.label} was saved.`);
      } else {
        const created = await api<OidcConnection>('POST', connectionsPath(owner), { body });
        navigateWithNotice(`${connectionsPage(owner)}/${created.id}`, `${created.label} was created.`);
      }
    });
  }

  const title = id ? (connection?.label ?? 'OIDC connection') : 'New OIDC connection';
  return (
    <ConnectionsFrame owner={owner} title={title}>
      {load.status === 'error' ? <ErrorAlert message={load.error} /> : null}
      {id && !connection && load.status === 'loading' ? <p role="status">Loading…</p> : null}
      {!id || connection ? (
        <form className="form" onSubmit={submit} noValidate>
          {error ? <ErrorAlert message={error} /> : null}
          <Notice notice={notice} />
          <FormField
            id="oidc-label"
            label="Label"
            value={draft.label}
            maxLength={100}
            onValue={(label) => set({ label })}
            problem={problems.label}
          />
          <div className="field">
            <label htmlFor="oidc-issuer">Issuer</label>
            <input
              id="oidc-issuer"
              className="mono"
              value={draft.issuer}
              spellCheck={false}
              aria-invalid={problems.issuer ? true : undefined}
              aria-describedby={problems.issuer ? 'oidc-issuer-error oidc-issuer-help' : 'oidc-issuer-help'}
              onChange={(e) => set({ issuer: e.target.value })}
            />
            {problems.issuer ? (
              <p className="field-error" id="oidc-issuer-error">
                {problems.issuer}
              </p>
            ) : null}
            <div className="button-row" id="oidc-issuer-help">
              {issuerPresets.map((preset) => (
                <button
                  key={preset.name}
                  type="button"
                  className="button small"
                  onClick={() => set({ issuer: preset.issuer })}
                >
                  {preset.name}
                </button>
              ))}
              <span className="hint">
                Any issuer with OpenID discovery works: Buildkite, CircleCI, a Kubernetes cluster…
              </span>
            </div>
          </div>
          <div className="field">
            <label htmlFor="oidc-audience">Audience (optional)</label>
            <input
              id="oidc-audience"
              value={draft.audience}
              placeholder="tokenhub's public URL"
              aria-invalid={problems.audience ? true : undefined}
              aria-describedby="oidc-audience-help"
              onChange={(e) => set({ audience: e.target.value })}
            />
            {problems.audience ? (
              <p className="field-error" id="oidc-audience-help">
                {problems.audience}
              </p>
            ) : (
              <p className="hint" id="oidc-audience-help">
                The <code>aud</code> the job asks its issuer for. Leave empty for this tokenhub’s address.
              </p>
            )}
          </div>
          <div className="inline-field">
            <label htmlFor="oidc-ttl">Token lifetime (minutes)</label>
            <input
              id="oidc-ttl"
              type="number"
              min={1}
              max={60}
              value={draft.ttlMinutes}
              aria-invalid={problems.token_ttl_seconds ? true : undefined}
              aria-describedby={problems.token_ttl_seconds ? 'oidc-ttl-error' : undefined}
              onChange={(e) => set({ ttlMinutes: e.target.value })}
            />
            {problems.token_ttl_seconds ? (
              <p className="field-error" id="oidc-ttl-error">
                {problems.token_ttl_seconds}
              </p>
            ) : null}
          </div>
          <label className="checkbox-field">
            <input
              type="checkbox"
              checked={draft.singleUse}
              onChange={(e) => set({ singleUse: e.target.checked })}
            />
            <span>
              Accept each identity token once{' '}
              <span className="hint">(by its jti; it then cannot be a password)</span>
            </span>
          </label>
          <h2 className="subheading">Rulesets</h2>
          <p className="muted">A job gets the repositories of every ruleset its token matches.</p>
          {draft.rulesets.map((ruleset, index) => (
            <RulesetEditor
              key={ruleset.key}
              owner={owner}
              index={index}
              ruleset={ruleset}
              onChange={(next) => set({ rulesets: draft.rulesets.map((r, i) => (i === index ? next : r)) })}
              onRemove={
                draft.rulesets.length > 1
                  ? () => set({ rulesets: draft.rulesets.filter((_, i) => i !== index) })
                  : undefined
              }
            />
          ))}
          {draft.rulesets.length < maxRulesets ? (
            <button
              type="button"
              className="button"
              onClick={() => set({ rulesets: [...draft.rulesets, emptyRuleset(owner)] })}
            >
              Add a ruleset
            </button>
          ) : null}
          <div className="button-row">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Saving…' : id ? 'Save' : 'Create connection'}
            </button>
            <a href={connectionsPage(owner)} className="button">
              Back to the list
            </a>
          </div>
        </form>
      ) : null}
      {connection ? <SignInHelp owner={owner} connection={connection} /> : null}
      {connection ? <FailureLog owner={owner} id={connection.id} /> : null}
    </ConnectionsFrame>
  );
}

function SignInHelp({ owner, connection }: { owner: ConnectionOwner; connection: OidcConnection }) {
  return (
    <div className="card">
      <h2 className="subheading">Sign a job in</h2>
      <p>
        Connection id <code>{connection.id}</code>. In the job, with its identity token for audience{' '}
        <code>{connection.audience}</code>:
      </p>
      <pre className="command">
        tokenhub oidc login --server {window.location.origin} --connection {connection.id} --registry REGISTRY
      </pre>
      <p className="hint">
        Or give the identity token itself as the password: <code>docker login REGISTRY -u {owner.name}</code>.
        See docs/oidc.md for GitHub Actions and GitLab CI.
      </p>
    </div>
  );
}

function FailureLog({ owner, id }: { owner: ConnectionOwner; id: string }) {
  const [failures, reload] = useLoad(
    () =>
      api<Page<OidcFailure>>('GET', `${connectionsPath(owner)}/${id}/failures`, { query: { page_size: 25 } }),
    [owner.kind, owner.name, id],
  );
  const rows = failures.data?.results ?? [];
  return (
    <section className="card" aria-labelledby="failures-title">
      <div className="toolbar">
        <h2 id="failures-title" className="subheading">
          Recent failures
        </h2>
        <button type="button" className="button small" onClick={reload}>
          Refresh
        </button>
      </div>
      {failures.status === 'error' ? <ErrorAlert message={failures.error} /> : null}
      {rows.length === 0 && failures.status === 'ready' ? (
        <p className="muted">No refused identity tokens. When one is refused, the reason shows here.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table responsive">
            <caption className="visually-hidden">
              Refused identity tokens, newest first ({failures.data?.count ?? 0} kept)
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Reason</th>
                <th scope="col">Subject</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((failure) => (
                <tr key={failure.id} data-testid="failure-row">
                  <td data-label="When">
                    <When iso={failure.created_at} as="date-time" />
                  </td>
                  <td data-label="Reason">{failure.reason}</td>
                  <td data-label="Subject" className="mono">
                    {failure.subject ?? ''}
                  </td>
                  <td data-label="From">
                    {failure.ip ? <Address ip={failure.ip} /> : null}
                    {failure.user_agent ? <span className="hint">{failure.user_agent}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

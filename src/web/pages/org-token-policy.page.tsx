/**
 * An organization's token policy (`/orgs/:org/token-policy`): members read it, owners change it.
 * Saving deletes no token: those outside the policy are refused on the organization's repositories
 * (docs/fine-grained-tokens.md).
 */
import { type FormEvent, useId, useState } from 'react';
import { api } from '../api/client.ts';
import type { OrgTokenPolicy } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, useRefusals } from '../components/form-field.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';
import { mayManageTokens, useOrganization } from './org.page.tsx';

/** A cap as the form holds it: '' for none, else a whole number of days. */
function daysText(days: number | null): string {
  return days === null ? '' : String(days);
}

function parseDays(text: string): number | null | 'invalid' {
  if (text.trim() === '') return null;
  const days = Number(text);
  return Number.isInteger(days) && days >= 1 && days <= 366 ? days : 'invalid';
}

export function OrgTokenPolicyPage({ org: name }: { org: string }) {
  const id = useId();
  const account = useAccount();
  const [orgLoad] = useOrganization(name);
  const path = `/v2/orgs/${encodeURIComponent(name)}/settings/tokens`;
  const [load, reload] = useLoad(() => api<OrgTokenPolicy>('GET', path), [path]);
  const [draft, setDraft] = useState<{ oat: string; pat: string; fine: boolean }>();
  const { busy, error, problems, setError, setProblems, attempt } = useRefusals([
    'pat_max_lifetime_days',
    'oat_max_lifetime_days',
  ]);
  const notice = useNotice();
  const policy = load.data;
  const form =
    draft ??
    (policy && {
      oat: daysText(policy.oat_max_lifetime_days),
      pat: daysText(policy.pat_max_lifetime_days),
      fine: policy.require_fine_grained_pats,
    });
  const owner = orgLoad.data ? mayManageTokens(orgLoad.data, account.is_admin) : false;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!form) return;
    const oat = parseDays(form.oat);
    const pat = parseDays(form.pat);
    const days = 'A lifetime is a whole number of days from 1 to 366, or empty for no cap.';
    setError(undefined);
    setProblems({
      ...(pat === 'invalid' ? { pat_max_lifetime_days: days } : {}),
      ...(oat === 'invalid' ? { oat_max_lifetime_days: days } : {}),
    });
    if (oat === 'invalid' || pat === 'invalid') return;
    notice.clear();
    await attempt(async () => {
      await api('PATCH', path, {
        body: {
          oat_max_lifetime_days: oat,
          pat_max_lifetime_days: pat,
          require_fine_grained_pats: form.fine,
        },
      });
      setDraft(undefined);
      notice.show('Policy saved.');
      reload();
    });
  }

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <p className="eyebrow">
        <Link to={`/orgs/${encodeURIComponent(name)}`}>{name}</Link>
      </p>
      <h1 id={`${id}-title`}>Token policy</h1>
      <p className="hint">
        Rules for the tokens used on {name}’s repositories. Tokens outside them are refused there, with a
        message naming the rule; none is deleted.
      </p>
      {load.status === 'error' ? <ErrorAlert message={load.error} /> : null}
      {load.status === 'loading' && !policy ? <p role="status">Loading…</p> : null}
      {form && policy ? (
        <form className="form" onSubmit={save} noValidate>
          {error ? <ErrorAlert message={error} /> : null}
          <Notice notice={notice} />
          <FormField
            id={`${id}-pat`}
            label="Personal access tokens live at most (days)"
            inputMode="numeric"
            value={form.pat}
            disabled={!owner}
            placeholder="no cap"
            onValue={(pat) => setDraft({ ...form, pat })}
            problem={problems.pat_max_lifetime_days}
          />
          <FormField
            id={`${id}-oat`}
            label="Organization access tokens live at most (days)"
            inputMode="numeric"
            value={form.oat}
            disabled={!owner}
            placeholder="no cap"
            onValue={(oat) => setDraft({ ...form, oat })}
            problem={problems.oat_max_lifetime_days}
          />
          <div className="checkbox-field">
            <input
              id={`${id}-fine`}
              type="checkbox"
              checked={form.fine}
              disabled={!owner}
              onChange={(event) => setDraft({ ...form, fine: event.target.checked })}
            />
            <label htmlFor={`${id}-fine`}>
              Personal access tokens must be fine-grained
              <span className="hint"> They must list the repositories they may use.</span>
            </label>
          </div>
          <p className="hint">
            Instance cap on every token:{' '}
            {policy.instance_max_lifetime_days === null
              ? 'none'
              : `${policy.instance_max_lifetime_days} days`}
            . Unused tokens expire after:{' '}
            {policy.unused_expiry_days === null ? 'never' : `${policy.unused_expiry_days} days`}.
            {policy.updated_at
              ? ` Last changed ${formatDateTime(policy.updated_at)} by ${policy.updated_by ?? 'unknown'}.`
              : ''}
          </p>
          {owner ? (
            <div className="dialog-actions">
              <button type="submit" className="button primary" disabled={busy}>
                {busy ? 'Saving…' : 'Save policy'}
              </button>
            </div>
          ) : (
            <p className="muted">Only owners of {name} change its token policy.</p>
          )}
        </form>
      ) : null}
    </section>
  );
}

/**
 * One company, for its owners: its organizations (with tiers, member and token counts; add or
 * remove one when you own it too), its owners (add by username or email, remove, never the last),
 * everyone across its organizations, every organization access token across them, its activity,
 * and renaming or deleting it (only when empty). The server decides every refusal and says why.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { Company, CompanyOrg, CompanyOwner } from '../api/company-types.ts';
import { ConfirmDialog, ErrorAlert } from '../components/dialog.tsx';
import { FormField, refusalOf } from '../components/form-field.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { navigateWithNotice } from '../lib/flash.ts';
import { tierLimitText } from '../lib/oat-logic.ts';
import { Link, navigate } from '../lib/router.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { companyPath } from './companies.page.tsx';
import { CompanyMembers, CompanyTokens } from './company-views.tsx';
import { tierNames } from './org.page.tsx';

/**
 * A one-field form that calls `submit` with the trimmed value and clears itself on success; what
 * `submit` answers is the refusal's message about this field, shown under it.
 */
function AddForm(props: {
  id: string;
  label: string;
  hint: string;
  button: string;
  submit: (value: string) => Promise<string | undefined>;
}) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const refused = await props.submit(value.trim());
      if (refused) setProblem(refused);
      else setValue('');
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={onSubmit} className="form inline-form">
      <FormField
        id={props.id}
        label={props.label}
        value={value}
        autoCapitalize="none"
        onValue={setValue}
        problem={problem}
        hint={props.hint}
        required
      />
      <button type="submit" className="button primary" disabled={busy}>
        {props.button}
      </button>
    </form>
  );
}

export function CompanyPage({ company: name }: { company: string }) {
  const [company] = useLoad(() => api<Company>('GET', companyPath(name)), [name]);
  const [orgs, reloadOrgs] = useLoad(
    () => api<{ results: CompanyOrg[] }>('GET', companyPath(name, 'orgs')).then((r) => r.results),
    [name],
  );
  const [owners, reloadOwners] = useLoad(
    () => api<{ results: CompanyOwner[] }>('GET', companyPath(name, 'owners')).then((r) => r.results),
    [name],
  );
  const [error, setError] = useState<string>();
  const notice = useNotice();
  const [deleting, setDeleting] = useState(false);

  /**
   * Runs a change. Its refusal shows in the banner, except a message about `field` (the API's name
   * of a form's one field), which is answered for the form to show under the field.
   */
  async function change(
    work: () => Promise<unknown>,
    done: string,
    reload: () => void,
    field?: string,
  ): Promise<string | undefined> {
    setError(undefined);
    notice.clear();
    try {
      await work();
      notice.show(done);
      reload();
      return undefined;
    } catch (caught) {
      const refusal = refusalOf(caught, field ? [field] : []);
      setError(refusal.banner);
      return field ? refusal.fields[field] : undefined;
    }
  }

  const rename = (newName: string) =>
    change(
      async () => {
        const renamed = await api<Company>('PATCH', companyPath(name), {
          body: { name: newName.toLowerCase() },
        });
        navigate(`/companies/${encodeURIComponent(renamed.name)}`);
      },
      `${name} is now called ${newName.toLowerCase()}.`,
      () => {},
      'name',
    );

  async function remove() {
    try {
      await api('DELETE', companyPath(name));
      navigateWithNotice('/companies', `Company ${name} was deleted.`);
    } catch (caught) {
      setError(messageOf(caught));
      setDeleting(false);
    }
  }

  return (
    <section className="page" aria-labelledby="company-title">
      <p className="eyebrow">
        <Link to="/companies">Companies</Link>
      </p>
      <h1 id="company-title">{company.data?.name ?? name}</h1>
      {company.status === 'error' ? <ErrorAlert message={company.error} /> : null}
      {error ? <ErrorAlert message={error} /> : null}
      <Notice notice={notice} />
      <p className="muted">
        As an owner of this company you act as an owner of each of its organizations: members, groups,
        invites, access tokens and activity. Repositories stay with what your own memberships give.{' '}
        <Link to={`/companies/${encodeURIComponent(name)}/activity`}>Activity of the company</Link>
      </p>

      <section className="card" aria-labelledby="company-orgs-title">
        <h2 id="company-orgs-title">Organizations</h2>
        {orgs.status === 'error' ? <ErrorAlert message={orgs.error} /> : null}
        <ul className="plain-list" aria-busy={orgs.status === 'loading'}>
          {(orgs.data ?? []).map((org) => (
            <li key={org.name} className="list-row" data-testid="company-org">
              <Link to={`/orgs/${encodeURIComponent(org.name)}`}>{org.name}</Link>
              <span className="muted">
                {tierNames[org.tier]} · {org.member_count} member{org.member_count === 1 ? '' : 's'} ·{' '}
                {tierLimitText(org.access_tokens)}
              </span>
              <button
                type="button"
                className="button small"
                aria-label={`Remove ${org.name} from ${name}`}
                onClick={() =>
                  void change(
                    () => api('DELETE', companyPath(name, 'orgs', org.name)),
                    `${org.name} left ${name}`,
                    reloadOrgs,
                  )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <AddForm
          id="company-add-org"
          label="Add an organization"
          hint="A Business organization you own."
          button="Add organization"
          submit={(org) =>
            change(
              () => api('PUT', companyPath(name, 'orgs', org.toLowerCase())),
              `${org} joined ${name}`,
              reloadOrgs,
              'org',
            )
          }
        />
      </section>

      <section className="card" aria-labelledby="company-owners-title">
        <h2 id="company-owners-title">Owners</h2>
        {owners.status === 'error' ? <ErrorAlert message={owners.error} /> : null}
        <ul className="plain-list" aria-busy={owners.status === 'loading'}>
          {(owners.data ?? []).map((owner) => (
            <li key={owner.username} className="list-row" data-testid="company-owner">
              <span>
                <strong>{owner.username}</strong> <span className="muted">{owner.email}</span>
              </span>
              <button
                type="button"
                className="button small"
                aria-label={`Remove ${owner.username} as an owner`}
                onClick={() =>
                  void change(
                    () => api('DELETE', companyPath(name, 'owners', owner.username)),
                    `${owner.username} is no longer an owner`,
                    reloadOwners,
                  )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <AddForm
          id="company-add-owner"
          label="Add an owner"
          hint="A username or an email address."
          button="Add owner"
          submit={(owner) =>
            change(
              () => api('POST', companyPath(name, 'owners'), { body: { owner } }),
              `${owner} is now an owner`,
              reloadOwners,
              'owner',
            )
          }
        />
      </section>

      <CompanyMembers company={name} />
      <CompanyTokens company={name} />

      <section className="card" aria-labelledby="company-settings-title">
        <h2 id="company-settings-title">Name and deletion</h2>
        <AddForm
          id="company-rename"
          label="New name"
          hint="The old name is free again at once."
          button="Rename"
          submit={rename}
        />
        <button type="button" className="button danger" onClick={() => setDeleting(true)}>
          Delete company
        </button>
      </section>
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${name}?`}
          message="Only a company that holds no organization can be deleted."
          confirmLabel="Delete company"
          onConfirm={() => void remove()}
          onClose={() => setDeleting(false)}
        />
      ) : null}
    </section>
  );
}

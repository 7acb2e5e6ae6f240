/**
 * Companies: the ones the account owns (`GET /v2/users/me/companies`) and creating one (the API
 * asks for ownership of a Business organization and says so when it is missing).
 */
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Company } from '../api/company-types.ts';
import { CreateByNameCard } from '../components/create-by-name-card.tsx';
import { ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { navigateWithNotice } from '../lib/flash.ts';
import { formatDate } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useLoad } from '../lib/use-load.ts';

export const companyPath = (name: string, ...rest: string[]) =>
  ['/v2/companies', name, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');

export function CompaniesPage() {
  const [companies] = useLoad(
    () => api<{ results: Company[] }>('GET', '/v2/users/me/companies').then((reply) => reply.results),
    [],
  );
  const [error, setError] = useState<string>();
  const notice = useNotice();

  async function create(name: string) {
    const company = await api<Company>('POST', '/v2/companies', { body: { name } });
    navigateWithNotice(
      `/companies/${encodeURIComponent(company.name)}`,
      `Company ${company.name} was created.`,
    );
  }

  return (
    <section className="page" aria-labelledby="companies-title">
      <h1 id="companies-title">Companies</h1>
      <p className="muted">
        A company groups Business organizations under shared owners, who manage every organization of the
        company (members, groups, invites, access tokens, activity) without getting their repositories.
      </p>
      <Notice notice={notice} />
      {error ? <ErrorAlert message={error} /> : null}
      {companies.status === 'error' ? <ErrorAlert message={companies.error} /> : null}
      <div className="grid-2">
        <section className="card" aria-labelledby="your-companies-title">
          <h2 id="your-companies-title">Your companies</h2>
          {companies.status === 'ready' && companies.data.length === 0 ? (
            <EmptyState title="No company yet">
              <p>Create one if you own a Business organization, or ask a company owner to add you.</p>
            </EmptyState>
          ) : (
            <ul className="plain-list" aria-busy={companies.status === 'loading'}>
              {(companies.data ?? []).map((company) => (
                <li key={company.id} className="list-row" data-testid="company-row">
                  <Link to={`/companies/${encodeURIComponent(company.name)}`}>{company.name}</Link>
                  <span className="muted">since {formatDate(company.created_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <CreateByNameCard
          id="create-company"
          title="Create a company"
          hint="Shares the namespace with users and organizations. You must own a Business organization; you become the company's owner."
          submitLabel="Create company"
          create={create}
          onBanner={setError}
        />
      </div>
    </section>
  );
}

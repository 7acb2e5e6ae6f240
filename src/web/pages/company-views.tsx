/**
 * The company-wide tables of the company page: everyone in its organizations (with their
 * organizations and roles) and every organization access token across them.
 */
import { api } from '../api/client.ts';
import type { CompanyMember, CompanyToken } from '../api/company-types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { When } from '../components/when.tsx';
import { useLoad } from '../lib/use-load.ts';
import { companyPath } from './companies.page.tsx';

export function CompanyMembers({ company }: { company: string }) {
  const [members] = useLoad(
    () => api<{ results: CompanyMember[] }>('GET', companyPath(company, 'members')).then((r) => r.results),
    [company],
  );
  return (
    <section className="card" aria-labelledby="company-members-title">
      <h2 id="company-members-title">Members across the organizations</h2>
      {members.status === 'error' ? <ErrorAlert message={members.error} /> : null}
      <div className="table-wrap">
        <table className="data-table responsive" aria-busy={members.status === 'loading'}>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Email</th>
              <th scope="col">Organizations</th>
            </tr>
          </thead>
          <tbody>
            {(members.data ?? []).map((member) => (
              <tr key={member.username} data-testid="company-member">
                <td data-label="User">{member.username}</td>
                <td data-label="Email">{member.email}</td>
                <td data-label="Organizations">
                  {member.organizations.map((org) => `${org.name} (${org.role})`).join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function CompanyTokens({ company }: { company: string }) {
  const [tokens] = useLoad(
    () =>
      api<{ results: CompanyToken[] }>('GET', companyPath(company, 'access-tokens')).then((r) => r.results),
    [company],
  );
  return (
    <section className="card" aria-labelledby="company-tokens-title">
      <h2 id="company-tokens-title">Organization access tokens</h2>
      {tokens.status === 'error' ? <ErrorAlert message={tokens.error} /> : null}
      {tokens.status === 'ready' && tokens.data.length === 0 ? (
        <p className="muted">No organization of the company has an access token.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table responsive" aria-busy={tokens.status === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Organization</th>
                <th scope="col">Label</th>
                <th scope="col">Status</th>
                <th scope="col">Created by</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {(tokens.data ?? []).map((token) => (
                <tr key={token.id} data-testid="company-token">
                  <td data-label="Organization">{token.org}</td>
                  <td data-label="Label">{token.label}</td>
                  <td data-label="Status">
                    <StatusBadge status={token.status} />
                  </td>
                  <td data-label="Created by">{token.created_by}</td>
                  <td data-label="Last used">
                    {token.last_used_at ? <When iso={token.last_used_at} as="date-time" /> : 'never'}
                  </td>
                  <td data-label="Expires">{token.expires_at ? <When iso={token.expires_at} /> : 'never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

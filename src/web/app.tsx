/**
 * The console's shell: the sign-in gate, the top bar with the account menu, and the page for the
 * current path. Every path here is also answered with index.html by the server.
 */
import { type ReactNode, useEffect } from 'react';
import { AccountMenu } from './components/account-menu.tsx';
import { Link, matchPath, navigate, safeNext, useLocation } from './lib/router.tsx';
import { useSession } from './lib/session.tsx';
import { ActivityPage } from './pages/activity.page.tsx';
import { CompaniesPage } from './pages/companies.page.tsx';
import { CompanyPage } from './pages/company.page.tsx';
import { DevicePage } from './pages/device.page.tsx';
import { ForgotPasswordPage } from './pages/forgot-password.page.tsx';
import { OidcConnectionEditPage } from './pages/oidc-connection-edit.page.tsx';
import { OidcConnectionsPage } from './pages/oidc-connections.page.tsx';
import { OrgPage } from './pages/org.page.tsx';
import { OrgPeoplePage } from './pages/org-people.page.tsx';
import { OrgSettingsPage } from './pages/org-settings.page.tsx';
import { OrgTokenPolicyPage } from './pages/org-token-policy.page.tsx';
import { OrgTokensPage } from './pages/org-tokens.page.tsx';
import { OrgsPage } from './pages/orgs.page.tsx';
import { PatPage } from './pages/pat.page.tsx';
import { SecurityPage } from './pages/security.page.tsx';
import { SignInPage } from './pages/sign-in.page.tsx';
import { SignUpPage } from './pages/sign-up.page.tsx';
import { UnavailablePage } from './pages/unavailable.page.tsx';

const publicPaths = new Set(['/signin', '/signup', '/forgot-password']);

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** `/settings/oidc[/new|/:id]` and `/orgs/:org/oidc[/new|/:id]`. */
function oidcPage(path: string, username: string): ReactNode | undefined {
  const personal = matchPath('/settings/oidc', path) && { kind: 'user' as const, name: username };
  if (personal) return <OidcConnectionsPage owner={personal} />;
  const personalOne = matchPath('/settings/oidc/:id', path);
  if (personalOne?.id) {
    const owner = { kind: 'user' as const, name: username };
    return (
      <OidcConnectionEditPage owner={owner} id={personalOne.id === 'new' ? undefined : personalOne.id} />
    );
  }
  const org = matchPath('/orgs/:org/oidc', path);
  if (org?.org) return <OidcConnectionsPage owner={{ kind: 'org', name: org.org }} />;
  const orgOne = matchPath('/orgs/:org/oidc/:id', path);
  if (orgOne?.org && orgOne.id) {
    const owner = { kind: 'org' as const, name: orgOne.org };
    return <OidcConnectionEditPage owner={owner} id={orgOne.id === 'new' ? undefined : orgOne.id} />;
  }
  return undefined;
}

function signedInPage(path: string, username: string): ReactNode {
  const oidc = oidcPage(path, username);
  if (oidc) return oidc;
  if (path === '/' || path === '/settings') return <Redirect to="/settings/tokens" />;
  if (path === '/settings/tokens') return <PatPage />;
  if (path === '/settings/security') return <SecurityPage />;
  if (path === '/activity') return <ActivityPage />;
  if (path === '/device') return <DevicePage />;
  if (path === '/orgs') return <OrgsPage />;
  const org = matchPath('/orgs/:org', path);
  if (org?.org) return <OrgPage org={org.org} />;
  const orgPeople = matchPath('/orgs/:org/people', path);
  if (orgPeople?.org) return <OrgPeoplePage org={orgPeople.org} />;
  const orgTokens = matchPath('/orgs/:org/tokens', path);
  if (orgTokens?.org) return <OrgTokensPage org={orgTokens.org} />;
  const orgTokenPolicy = matchPath('/orgs/:org/token-policy', path);
  if (orgTokenPolicy?.org) return <OrgTokenPolicyPage org={orgTokenPolicy.org} />;
  const orgSettings = matchPath('/orgs/:org/settings', path);
  if (orgSettings?.org) return <OrgSettingsPage org={orgSettings.org} />;
  const orgActivity = matchPath('/orgs/:org/activity', path);
  if (orgActivity?.org) return <ActivityPage account={orgActivity.org} />;
  if (path === '/companies') return <CompaniesPage />;
  const company = matchPath('/companies/:name', path);
  if (company?.name) return <CompanyPage company={company.name} />;
  const companyActivity = matchPath('/companies/:name/activity', path);
  if (companyActivity?.name) return <ActivityPage account={companyActivity.name} />;
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        There is no console page at <code>{path}</code>. Go to your{' '}
        <Link to="/settings/tokens">personal access tokens</Link>.
      </p>
    </section>
  );
}

export function App() {
  const { state } = useSession();
  const { path, search, href } = useLocation();

  if (state.status === 'loading') {
    return (
      <div className="loading-screen" role="status">
        Loading tokenhub…
      </div>
    );
  }

  if (state.status === 'unavailable') return <UnavailablePage {...state} />;

  if (state.status === 'signed-out') {
    if (path === '/signup') return <SignUpPage />;
    if (path === '/forgot-password') return <ForgotPasswordPage />;
    if (path !== '/signin') {
      return <Redirect to={state.explicit ? '/signin' : `/signin?next=${encodeURIComponent(href)}`} />;
    }
    return <SignInPage notice={state.notice} />;
  }

  if (publicPaths.has(path)) return <Redirect to={safeNext(search.get('next'))} />;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/settings/tokens" className="brand">
          tokenhub
        </Link>
        <nav aria-label="Main" className="main-nav">
          <NavLink to="/settings/tokens" current={path.startsWith('/settings')}>
            Account settings
          </NavLink>
          <NavLink to="/orgs" current={path.startsWith('/orgs')}>
            Organizations
          </NavLink>
          <NavLink to="/companies" current={path.startsWith('/companies')}>
            Companies
          </NavLink>
          <NavLink to="/activity" current={path === '/activity'}>
            Activity
          </NavLink>
        </nav>
        <AccountMenu username={state.session.username} />
      </header>
      <main id="main" tabIndex={-1}>
        {signedInPage(path, state.session.username)}
      </main>
    </>
  );
}

function NavLink({ to, current, children }: { to: string; current: boolean; children: ReactNode }) {
  return (
    <Link to={to} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

import { Link } from '../lib/router.tsx';

/** The sub-navigation of Account settings. */
export function SettingsNav({ current }: { current: 'tokens' | 'oidc' | 'security' }) {
  return (
    <nav aria-label="Account settings" className="tabs">
      <Link to="/settings/tokens" aria-current={current === 'tokens' ? 'page' : undefined}>
        Personal access tokens
      </Link>
      <Link to="/settings/oidc" aria-current={current === 'oidc' ? 'page' : undefined}>
        OIDC connections
      </Link>
      <Link to="/settings/security" aria-current={current === 'security' ? 'page' : undefined}>
        Security
      </Link>
    </nav>
  );
}

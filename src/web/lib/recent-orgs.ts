/**
 * Organizations opened in this tab, per account: the Hub API has no "organizations I belong to"
 * list yet. Names only (nothing secret), in sessionStorage, forgotten at sign-out.
 */
const recentPrefix = 'tokenhub.recent-orgs.';

export function recentOrgs(username: string): string[] {
  try {
    const parsed: unknown = JSON.parse(window.sessionStorage.getItem(recentPrefix + username) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberOrg(username: string, name: string): void {
  try {
    const names = [name, ...recentOrgs(username).filter((other) => other !== name)].slice(0, 10);
    window.sessionStorage.setItem(recentPrefix + username, JSON.stringify(names));
  } catch {
    // storage disabled: the list is a convenience only
  }
}

/** Signing out forgets which organizations were opened. */
export function forgetRecentOrgs(): void {
  try {
    for (const key of Object.keys(window.sessionStorage)) {
      if (key.startsWith(recentPrefix)) window.sessionStorage.removeItem(key);
    }
  } catch {
    // storage disabled
  }
}

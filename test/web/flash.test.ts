/** A confirmation carried across one navigation (src/web/lib/flash.ts) reaches its path once. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { navigateWithNotice, takeFlash } from '../../src/web/lib/flash.ts';

function stubWindow() {
  const pushed: string[] = [];
  vi.stubGlobal('window', {
    location: { pathname: '/orgs', search: '' },
    history: { pushState: (_state: unknown, _title: string, to: string) => pushed.push(to) },
    dispatchEvent: () => true,
    scrollTo: () => undefined,
  });
  return pushed;
}

afterEach(() => {
  vi.unstubAllGlobals();
  takeFlash('');
});

describe('flash', () => {
  it('navigates and hands the message to the page at that path, once', () => {
    const pushed = stubWindow();
    navigateWithNotice('/orgs/acme?tab=people', 'Organization acme was created.');
    expect(pushed).toEqual(['/orgs/acme?tab=people']);
    expect(takeFlash('/orgs/acme')).toBe('Organization acme was created.');
    expect(takeFlash('/orgs/acme')).toBeUndefined();
  });

  it('drops a message that a page at another path reads first', () => {
    stubWindow();
    navigateWithNotice('/companies', 'Company mega was deleted.');
    expect(takeFlash('/settings/tokens')).toBeUndefined();
    expect(takeFlash('/companies')).toBeUndefined();
  });
});

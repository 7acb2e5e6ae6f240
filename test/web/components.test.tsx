/**
 * Rendered markup of the console's building blocks (react-dom/server: no DOM needed). The browser
 * suite (test/browser) drives the real pages.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Notice } from '../../src/web/components/notice.tsx';
import { Pager } from '../../src/web/components/pager.tsx';
import { StatusBadge } from '../../src/web/components/status-badge.tsx';
import { ExpiryField, SecretReveal } from '../../src/web/components/token-fields.tsx';
import { matchPath, safeNext } from '../../src/web/lib/router.tsx';
import { normalizeUserCode } from '../../src/web/pages/device.page.tsx';
import { deviceCodeOf } from '../../src/web/pages/sign-in.page.tsx';

const noop = () => undefined;

describe('status badge', () => {
  it('labels each status in words', () => {
    expect(renderToStaticMarkup(<StatusBadge status="active" />)).toContain('>Active<');
    expect(renderToStaticMarkup(<StatusBadge status="inactive" />)).toContain('badge-inactive');
    expect(renderToStaticMarkup(<StatusBadge status="expired" />)).toContain('>Expired<');
  });
});

describe('secret reveal', () => {
  const html = renderToStaticMarkup(
    <SecretReveal secret="thub_pat_secret" loginName="alice" kind="personal" />,
  );

  it('shows the secret once with a copy button and the warning', () => {
    expect(html).toContain('value="thub_pat_secret"');
    expect(html).toContain('aria-label="Copy token"');
    expect(html).toMatch(/will not be shown again/);
  });

  it('gives the docker login command for the account (or the organization)', () => {
    // Without a registry host (no TOKENHUB_REGISTRY_URL), the command says where the host goes.
    expect(html).toContain('docker login REGISTRY-HOST -u alice');
    const org = renderToStaticMarkup(<SecretReveal secret="s" loginName="acme" kind="organization" />);
    expect(org).toContain('docker login REGISTRY-HOST -u acme');
    expect(org).toContain('Organization access token');
  });
});

describe('expiry field', () => {
  it('shows a date input bounded to a year only for a custom date', () => {
    const presets = renderToStaticMarkup(
      <ExpiryField choice="30" customDate="" onChoice={noop} onCustomDate={noop} />,
    );
    expect(presets).not.toContain('type="date"');
    expect(presets).toContain('No expiration');
    const custom = renderToStaticMarkup(
      <ExpiryField
        choice="custom"
        customDate=""
        onChoice={noop}
        onCustomDate={noop}
        error="Choose an expiration date."
      />,
    );
    expect(custom).toMatch(/type="date" min="\d{4}-\d{2}-\d{2}" max="\d{4}-\d{2}-\d{2}"/);
    expect(custom).toContain('aria-invalid="true"');
    expect(custom).toContain('Choose an expiration date.');
  });
});

describe('pager', () => {
  it('says where you are and disables the ends', () => {
    const html = renderToStaticMarkup(
      <Pager
        label="Tokens"
        page={1}
        pageCount={3}
        first={1}
        last={10}
        total={23}
        pageSize={10}
        onPage={noop}
      />,
    );
    expect(html).toContain('1–10 of 23');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Previous/);
    expect(
      renderToStaticMarkup(
        <Pager label="T" page={1} pageCount={1} first={0} last={0} total={0} pageSize={10} onPage={noop} />,
      ),
    ).toBe('');
  });
});

describe('routing helpers', () => {
  it('follows only console paths after sign-in', () => {
    expect(safeNext('/device?user_code=BCDF-GHJK')).toBe('/device?user_code=BCDF-GHJK');
    expect(safeNext('//evil.example/x')).toBe('/settings/tokens');
    expect(safeNext('https://evil.example')).toBe('/settings/tokens');
    expect(safeNext(null)).toBe('/settings/tokens');
  });

  it('matches parameterised paths', () => {
    expect(matchPath('/orgs/:org/tokens', '/orgs/acme/tokens')).toEqual({ org: 'acme' });
    expect(matchPath('/orgs/:org', '/orgs/acme/tokens')).toBeUndefined();
  });

  it('normalises typed device codes', () => {
    expect(normalizeUserCode('bcdfghjk')).toBe('BCDF-GHJK');
    expect(normalizeUserCode(' bcdf-ghjk ')).toBe('BCDF-GHJK');
  });

  it('finds the device code a sign-in leads to, only in a same-console /device next', () => {
    expect(deviceCodeOf('/device?user_code=bcdfghjk')).toBe('BCDF-GHJK');
    expect(deviceCodeOf('/device')).toBe('');
    expect(deviceCodeOf('/settings/tokens')).toBeUndefined();
    expect(deviceCodeOf('//evil.example/device?user_code=BCDF-GHJK')).toBeUndefined();
    expect(deviceCodeOf('https://evil.example/device?user_code=BCDF-GHJK')).toBeUndefined();
    expect(deviceCodeOf(null)).toBeUndefined();
  });
});

describe('notice', () => {
  const state = (message?: string) => ({ message, show: noop, clear: noop });

  it('keeps an empty polite live region in the page before anything happened', () => {
    const html = renderToStaticMarkup(<Notice notice={state()} />);
    expect(html).toContain('role="status"');
    expect(html).toContain('aria-live="polite"');
    expect(html).not.toContain('alert-success');
    expect(html).not.toContain('Dismiss');
  });

  it('shows a message visibly, in the live region, with a dismiss button', () => {
    const html = renderToStaticMarkup(<Notice notice={state('Token deleted.')} />);
    expect(html).toMatch(/class="notice alert alert-success"/);
    expect(html).toMatch(/<p class="notice-text" role="status" aria-live="polite">Token deleted.<\/p>/);
    expect(html).toContain('aria-label="Dismiss"');
    expect(html).not.toContain('visually-hidden');
  });
});

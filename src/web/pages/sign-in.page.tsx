/**
 * Sign-in with a password, then the two-factor code when the account has it on
 * (`POST /v2/console/session`, then `/v2/console/session/2fa` with the `login_2fa_token`). When the
 * sign-in leads on to a device approval (`next=/device?user_code=…`), the page says so, and that
 * signing in approves nothing.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { ConsoleSession } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, refusalOf } from '../components/form-field.tsx';
import { mailEnabled, signupAllowed } from '../lib/instance.ts';
import { Link, safeNext, useLocation } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { messageOf } from '../lib/use-load.ts';
import { normalizeUserCode } from './device.page.tsx';

/**
 * The user code of the device sign-in that `next` leads to after sign-in (`/device?user_code=…`,
 * the link the CLI prints): `''` for `/device` without a code, undefined for any other or unsafe
 * `next`.
 */
export function deviceCodeOf(next: string | null): string | undefined {
  const path = safeNext(next, '');
  if (!path) return undefined;
  const url = new URL(path, 'http://console.invalid');
  if (url.pathname !== '/device') return undefined;
  return normalizeUserCode(url.searchParams.get('user_code') ?? '').slice(0, 32);
}

function DeviceNotice({ userCode }: { userCode: string }) {
  return (
    <div className="alert alert-info" role="status" data-testid="device-notice">
      {userCode ? (
        <>
          Sign in to approve a device sign-in (code <span className="mono">{userCode}</span>).
        </>
      ) : (
        'Sign in to approve a device sign-in.'
      )}{' '}
      After you sign in you will see which device asks and can approve or deny it; nothing is approved by
      signing in.
    </div>
  );
}

export function SignInPage({ notice }: { notice?: string }) {
  const { signedIn } = useSession();
  const deviceCode = deviceCodeOf(useLocation().search.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [loginToken, setLoginToken] = useState<string>();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const codeInput = useRef<HTMLInputElement>(null);

  // The second step replaces the form: move focus to its field so keyboard users land there.
  useEffect(() => {
    if (loginToken) codeInput.current?.focus();
  }, [loginToken]);

  async function submitPassword(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setProblems({});
    try {
      signedIn(
        await api<ConsoleSession>('POST', '/v2/console/session', {
          body: { username, password },
          expectUnauthorized: true,
        }),
      );
    } catch (caught) {
      const body = caught instanceof ApiError ? caught.body : undefined;
      const token =
        typeof body === 'object' && body !== null && 'login_2fa_token' in body
          ? body.login_2fa_token
          : undefined;
      if (typeof token === 'string') {
        setLoginToken(token);
        setPassword('');
      } else {
        const refusal = refusalOf(caught, ['username', 'password']);
        setProblems(refusal.fields);
        setError(refusal.banner);
      }
    } finally {
      setBusy(false);
    }
  }

  async function submitCode(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      signedIn(
        await api<ConsoleSession>('POST', '/v2/console/session/2fa', {
          body: { login_2fa_token: loginToken, code: code.trim() },
          expectUnauthorized: true,
        }),
      );
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="auth-page">
      <section className="auth-card" aria-labelledby="signin-title">
        <p className="brand brand-large">tokenhub</p>
        <h1 id="signin-title">{loginToken ? 'Two-factor authentication' : 'Sign in'}</h1>
        {notice && !error ? (
          <div className="alert alert-info" role="status">
            {notice}
          </div>
        ) : null}
        {deviceCode !== undefined && !loginToken ? <DeviceNotice userCode={deviceCode} /> : null}
        {error ? <ErrorAlert message={error} /> : null}
        {loginToken ? (
          <form onSubmit={submitCode} className="form">
            <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
            <div className="field">
              <label htmlFor="signin-code">Authentication code</label>
              <input
                id="signin-code"
                ref={codeInput}
                autoComplete="one-time-code"
                inputMode="text"
                value={code}
                onChange={(event) => setCode(event.target.value)}
                required
              />
            </div>
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Checking…' : 'Verify'}
            </button>
            <button
              type="button"
              className="button link-button"
              onClick={() => {
                setLoginToken(undefined);
                setCode('');
                setError(undefined);
              }}
            >
              Start over
            </button>
          </form>
        ) : (
          <form onSubmit={submitPassword} className="form">
            <FormField
              id="signin-username"
              label="Username or verified email"
              autoComplete="username"
              autoCapitalize="none"
              value={username}
              onValue={setUsername}
              problem={problems.username}
              required
            />
            <FormField
              id="signin-password"
              label="Password"
              type="password"
              autoComplete="current-password"
              value={password}
              onValue={setPassword}
              problem={problems.password}
              required
            />
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        )}
        {mailEnabled() && !loginToken ? (
          <p className="auth-switch">
            <Link to="/forgot-password">Forgot password?</Link>
          </p>
        ) : null}
        {signupAllowed() && !loginToken ? (
          <p className="auth-switch">
            New here? <Link to="/signup">Create an account</Link>
          </p>
        ) : null}
      </section>
    </main>
  );
}

/**
 * Sign-in with a password, then the two-factor code when the account has it on
 * (`POST /v2/console/session`, then `/v2/console/session/2fa` with the `login_2fa_token`).
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { ConsoleSession } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, refusalOf } from '../components/form-field.tsx';
import { mailEnabled, signupAllowed } from '../lib/instance.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { messageOf } from '../lib/use-load.ts';

export function SignInPage({ notice }: { notice?: string }) {
  const { signedIn } = useSession();
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

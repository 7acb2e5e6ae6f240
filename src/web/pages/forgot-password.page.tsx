/**
 * "Forgot password?": asks for a reset link (`POST /v2/users/password-reset`). The answer is the
 * same whether or not an account has the address; the link opens the server's reset page.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, refusalOf } from '../components/form-field.tsx';
import { Link } from '../lib/router.tsx';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ fields: Record<string, string>; banner?: string }>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/v2/users/password-reset', { body: { email: email.trim() } });
      setSent(true);
    } catch (caught) {
      setError(refusalOf(caught, ['email']));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="auth-page">
      <section className="auth-card" aria-labelledby="forgot-title">
        <h1 id="forgot-title">Reset your password</h1>
        {sent ? (
          <p className="alert alert-success" role="status">
            If an account has this verified address, a link to reset its password is on its way. It works
            once, for 30 minutes.
          </p>
        ) : (
          <form onSubmit={submit} className="form">
            {error?.banner ? <ErrorAlert message={error.banner} /> : null}
            <FormField
              id="forgot-email"
              label="Your verified email address"
              type="email"
              autoComplete="email"
              value={email}
              onValue={setEmail}
              problem={error?.fields.email}
              required
            />
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Sending…' : 'Send me a link'}
            </button>
          </form>
        )}
        <p className="auth-switch">
          <Link to="/signin">Back to sign-in</Link>
        </p>
      </section>
    </main>
  );
}

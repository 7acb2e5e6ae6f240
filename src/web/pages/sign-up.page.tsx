/**
 * Sign-up (`POST /v2/users`) when the instance allows it, then a console sign-in with the same
 * password. Field messages come from the API (`fields`), so the rules live in one place.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { ConsoleSession } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { useRefusals } from '../components/form-field.tsx';
import { signupAllowed } from '../lib/instance.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';

export function SignUpPage() {
  const { signedIn } = useSession();
  const [form, setForm] = useState({ username: '', email: '', password: '' });
  const { busy, error, problems: fields, attempt } = useRefusals(['username', 'email', 'password']);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await attempt(async () => {
      await api('POST', '/v2/users', { body: form });
      signedIn(
        await api<ConsoleSession>('POST', '/v2/console/session', {
          body: { username: form.username, password: form.password },
          expectUnauthorized: true,
        }),
      );
    });
  }

  const field = (
    name: 'username' | 'email' | 'password',
    label: string,
    type: string,
    autoComplete: string,
    hint: string,
  ) => {
    const problem = fields[name];
    return (
      <div className="field">
        <label htmlFor={`signup-${name}`}>{label}</label>
        <input
          id={`signup-${name}`}
          type={type}
          autoComplete={autoComplete}
          autoCapitalize="none"
          value={form[name]}
          onChange={(event) => setForm({ ...form, [name]: event.target.value })}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`signup-${name}-hint`}
          required
        />
        <p id={`signup-${name}-hint`} className={problem ? 'field-error' : 'hint'}>
          {problem ?? hint}
        </p>
      </div>
    );
  };

  return (
    <main id="main" className="auth-page">
      <section className="auth-card" aria-labelledby="signup-title">
        <p className="brand brand-large">tokenhub</p>
        <h1 id="signup-title">Create an account</h1>
        {signupAllowed() ? (
          <form onSubmit={submit} className="form" noValidate>
            {error ? <ErrorAlert message={error} /> : null}
            {field('username', 'Username', 'text', 'username', '4 to 30 lowercase letters and digits.')}
            {field('email', 'Email', 'email', 'email', 'Used to invite you to organizations.')}
            {field('password', 'Password', 'password', 'new-password', 'At least 8 characters.')}
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create account'}
            </button>
          </form>
        ) : (
          <div className="alert alert-info" role="status">
            This tokenhub does not allow sign-up. Ask an administrator to create an account for you.
          </div>
        )}
        <p className="auth-switch">
          Already have an account? <Link to="/signin">Sign in</Link>
        </p>
      </section>
    </main>
  );
}

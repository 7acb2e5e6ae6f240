/**
 * Account settings → Security: two-factor sign-in (set up with a QR code drawn here, never by an
 * outside service; recovery codes shown once; regenerate them; turn off), the email address
 * (email-settings.tsx), the password change and the signed-in sessions (sessions-card.tsx). A wrong
 * password or code is a 403 whose message is shown beside its field; the session goes on (only a
 * 401 ends it).
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { TwoFactorState } from '../api/types.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, groupsOfFour, refusalOf, useRefusals } from '../components/form-field.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { SettingsNav } from '../components/settings-nav.tsx';
import { qrCodeDataUrl } from '../lib/qr.ts';
import { useSession } from '../lib/session.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { EmailSettings } from './email-settings.tsx';
import { RegenerateRecoveryCodes } from './recovery-codes.tsx';
import { SessionsCard } from './sessions-card.tsx';

export function SecurityPage() {
  const [twoFactor, reload] = useLoad(() => api<TwoFactorState>('GET', '/v2/users/me/2fa'), []);
  const notice = useNotice();
  const done = (message?: string) => {
    if (message) notice.show(message);
    reload();
  };
  return (
    <section className="page" aria-labelledby="security-title">
      <p className="eyebrow">Account settings</p>
      <SettingsNav current="security" />
      <h1 id="security-title">Security</h1>
      <section className="card" aria-labelledby="twofa-title">
        <h2 id="twofa-title">Two-factor authentication</h2>
        <Notice notice={notice} />
        {twoFactor.status === 'error' ? <ErrorAlert message={twoFactor.error} /> : null}
        {twoFactor.data === undefined ? (
          twoFactor.status === 'loading' ? (
            <p role="status">Loading…</p>
          ) : null
        ) : twoFactor.data.enabled ? (
          <DisableTwoFactor state={twoFactor.data} onDone={done} />
        ) : (
          <EnableTwoFactor pending={twoFactor.data.setup_pending} onDone={done} />
        )}
      </section>
      <EmailSettings />
      <ChangePassword />
      <SessionsCard />
    </section>
  );
}

type Setup = { secret: string; otpauth_uri: string };

function EnableTwoFactor({ pending, onDone }: { pending: boolean; onDone: (message?: string) => void }) {
  const [setup, setSetup] = useState<Setup>();
  const [qr, setQr] = useState<string>();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codeProblem, setCodeProblem] = useState<string>();
  const [passwordProblem, setPasswordProblem] = useState<string>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!setup) return;
    let cancelled = false;
    qrCodeDataUrl(setup.otpauth_uri).then(
      (url) => !cancelled && setQr(url),
      () => !cancelled && setQr(undefined),
    );
    return () => {
      cancelled = true;
    };
  }, [setup]);

  const start = useCallback(async () => {
    setBusy(true);
    setError(undefined);
    try {
      // A setup already started answers the same secret: the app that scanned it keeps working.
      setSetup(await api<Setup>('POST', '/v2/users/me/2fa/setup'));
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    if (pending) void start();
  }, [pending, start]);

  async function cancel() {
    setBusy(true);
    setError(undefined);
    try {
      await api('DELETE', '/v2/users/me/2fa/setup');
      setSetup(undefined);
      setCode('');
      setCodeProblem(undefined);
      onDone('Two-factor setup was cancelled; it stays off.');
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setCodeProblem(undefined);
    setPasswordProblem(undefined);
    try {
      const reply = await api<{ recovery_codes: string[] }>('POST', '/v2/users/me/2fa/enable', {
        body: password ? { code: code.trim(), password } : { code: code.trim() },
      });
      setRecoveryCodes(reply.recovery_codes);
    } catch (caught) {
      const refusal = refusalOf(caught, ['code', 'password']);
      setCodeProblem(refusal.fields.code);
      setPasswordProblem(refusal.fields.password);
      setError(refusal.banner);
    } finally {
      setBusy(false);
    }
  }

  if (recoveryCodes) {
    return (
      <div>
        <div className="alert alert-success" role="status">
          Two-factor authentication is on.
        </div>
        <h3 className="subheading">Save your recovery codes</h3>
        <p>
          Each code signs you in once if you lose your authenticator. They will not be shown again: store them
          in a password manager or print them.
        </p>
        <ul className="recovery-codes mono" aria-label="Recovery codes">
          {recoveryCodes.map((recovery) => (
            <li key={recovery}>{recovery}</li>
          ))}
        </ul>
        <div className="button-row">
          <CopyButton text={recoveryCodes.join('\n')} label="Copy recovery codes" />
          <button
            type="button"
            className="button primary"
            onClick={() => onDone('Two-factor authentication is on. Signing in now asks for a code.')}
          >
            I have saved them
          </button>
        </div>
      </div>
    );
  }

  if (!setup) {
    return (
      <div>
        <p>
          Off. With two-factor on, signing in asks for a code from an authenticator app as well as your
          password, and the docker CLI must use an access token instead of your password.
        </p>
        {error ? <ErrorAlert message={error} /> : null}
        <button type="button" className="button primary" onClick={start} disabled={busy}>
          {pending ? 'Continue setting up two-factor authentication' : 'Set up two-factor authentication'}
        </button>
      </div>
    );
  }

  return (
    <form onSubmit={confirm} className="form narrow">
      {error ? <ErrorAlert message={error} /> : null}
      <ol className="steps">
        <li>
          Scan this QR code with your authenticator app.
          <div className="qr">
            {qr ? (
              <img src={qr} width={200} height={200} alt="QR code for setting up your authenticator app" />
            ) : (
              <span role="status">Drawing the QR code…</span>
            )}
          </div>
          <p>
            Cannot scan it? Enter this key instead:{' '}
            <code className="mono totp-key" data-testid="totp-secret" data-secret={setup.secret}>
              {groupsOfFour(setup.secret)}
            </code>
          </p>
        </li>
        <li>
          <FormField
            id="twofa-code"
            label="Enter the 6-digit code the app shows"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            value={code}
            onValue={setCode}
            problem={codeProblem}
            required
          />
          <FormField
            id="twofa-password"
            label="Your password (needed if you signed in more than 5 minutes ago)"
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
            problem={passwordProblem}
          />
        </li>
      </ol>
      <div className="button-row">
        <button type="button" className="button" onClick={cancel} disabled={busy}>
          Cancel setup
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Checking…' : 'Turn on two-factor authentication'}
        </button>
      </div>
    </form>
  );
}

function DisableTwoFactor({ state, onDone }: { state: TwoFactorState; onDone: (message?: string) => void }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [open, setOpen] = useState(false);
  const { busy, error, problems, attempt } = useRefusals(['password', 'code']);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await attempt(
      async () => {
        await api('POST', '/v2/users/me/2fa/disable', { body: { password, code: code.trim() } });
        onDone('Two-factor authentication is off. Signing in asks for your password only.');
      },
      { keepBusy: true },
    );
  }

  return (
    <div>
      <p>
        <span className="badge badge-active">On</span> {state.recovery_codes_left} recovery code
        {state.recovery_codes_left === 1 ? '' : 's'} left.
      </p>
      {open ? (
        <form onSubmit={submit} className="form">
          {error ? <ErrorAlert message={error} /> : null}
          <FormField
            id="disable-password"
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
            problem={problems.password}
            required
          />
          <FormField
            id="disable-code"
            label="Authentication or recovery code"
            autoComplete="one-time-code"
            value={code}
            onValue={setCode}
            problem={problems.code}
            required
          />
          <div className="button-row">
            <button type="button" className="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="button danger" disabled={busy}>
              Turn off two-factor authentication
            </button>
          </div>
        </form>
      ) : (
        <div className="button-row">
          <button type="button" className="button danger-outline" onClick={() => setOpen(true)}>
            Turn off…
          </button>
          <RegenerateRecoveryCodes onDone={() => onDone()} />
        </div>
      )}
    </div>
  );
}

function ChangePassword() {
  const { signOut } = useSession();
  const [form, setForm] = useState({ current: '', next: '', repeat: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [problems, setProblems] = useState<Record<string, string>>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (form.next !== form.repeat) return setProblems({ repeat: 'The new passwords do not match.' });
    setProblems({});
    setBusy(true);
    try {
      await api('PUT', '/v2/users/me/password', {
        body: { current_password: form.current, new_password: form.next },
      });
      // A password change ends every session issued before it, this one included.
      await signOut('Your password was changed. Sign in with the new password.');
    } catch (caught) {
      const refusal = refusalOf(caught, ['current_password', 'new_password']);
      setProblems({
        ...(refusal.fields.current_password ? { current: refusal.fields.current_password } : {}),
        ...(refusal.fields.new_password ? { next: refusal.fields.new_password } : {}),
      });
      setError(refusal.banner);
      setBusy(false);
    }
  }

  const input = (key: keyof typeof form, label: string, autoComplete: string, hint?: string) => (
    <FormField
      id={`password-${key}`}
      label={label}
      type="password"
      autoComplete={autoComplete}
      value={form[key]}
      onValue={(value) => setForm({ ...form, [key]: value })}
      problem={problems[key]}
      {...(hint ? { hint } : {})}
      required
    />
  );

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <form onSubmit={submit} className="form narrow">
        {error ? <ErrorAlert message={error} /> : null}
        {input('current', 'Current password', 'current-password')}
        {input('next', 'New password', 'new-password', 'At least 8 characters.')}
        {input('repeat', 'Repeat the new password', 'new-password')}
        <p className="hint">You will be signed out everywhere, including here.</p>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Saving…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}

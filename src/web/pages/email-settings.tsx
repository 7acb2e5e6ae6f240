/**
 * Account settings → Security → Email: the address and whether it is verified (with "Resend" for a
 * new verification link), token expiry notices on or off, and changing the address (the password,
 * then the link mailed to the new address). Without mail on the instance, says so.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { EmailState } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, useRefusals } from '../components/form-field.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';

export function EmailSettings() {
  const [state, reload] = useLoad(() => api<EmailState>('GET', '/v2/users/me/email'), []);
  const notice = useNotice();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  /** The checkbox as the user left it, until the reload confirms it. */
  const [notices, setNotices] = useState<boolean>();

  async function act(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(undefined);
    notice.clear();
    try {
      await work();
      notice.show(done);
      reload();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  const data = state.data;
  return (
    <section className="card" aria-labelledby="email-title">
      <h2 id="email-title">Email</h2>
      {state.status === 'error' ? <ErrorAlert message={state.error} /> : null}
      {error ? <ErrorAlert message={error} /> : null}
      <Notice notice={notice} />
      {data === undefined ? null : (
        <>
          <p>
            <span data-testid="email-address">{data.email}</span>{' '}
            {data.email_verified ? (
              <span className="badge badge-active">Verified</span>
            ) : (
              <span className="badge badge-expired">Not verified</span>
            )}
          </p>
          {!data.mail_enabled ? (
            <p className="hint">This instance sends no mail: addresses cannot be verified here.</p>
          ) : (
            <>
              {data.email_verified ? null : (
                <p>
                  Until you verify it, this address receives no mail but the verification link, cannot be used
                  to sign in, and cannot take invites sent to it.{' '}
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    onClick={() =>
                      act(
                        () => api('POST', '/v2/users/me/email/verification'),
                        'A new verification link is on its way.',
                      )
                    }
                  >
                    Resend verification
                  </button>
                </p>
              )}
              <label className="checkbox-field">
                <input
                  type="checkbox"
                  checked={notices ?? data.expiry_notices}
                  disabled={busy}
                  onChange={(event) => {
                    const on = event.target.checked;
                    setNotices(on);
                    void act(
                      () => api('PATCH', '/v2/users/me/email', { body: { expiry_notices: on } }),
                      on ? 'Expiry notices are on.' : 'Expiry notices are off.',
                    );
                  }}
                />{' '}
                Mail me before my access tokens (and my organizations' tokens) expire
              </label>
              <ChangeEmail onDone={notice.show} />
            </>
          )}
        </>
      )}
    </section>
  );
}

function ChangeEmail({ onDone }: { onDone: (message: string) => void }) {
  const [form, setForm] = useState({ email: '', password: '' });
  const [open, setOpen] = useState(false);
  const { busy, error, problems, attempt } = useRefusals(['email', 'password']);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await attempt(async () => {
      await api('PUT', '/v2/users/me/email', { body: form });
      setOpen(false);
      setForm({ email: '', password: '' });
      onDone(`A link was mailed to ${form.email}: the address changes once you follow it.`);
    });
  }

  if (!open) {
    return (
      <p>
        <button type="button" className="button" onClick={() => setOpen(true)}>
          Change address…
        </button>
      </p>
    );
  }
  return (
    <form onSubmit={submit} className="form narrow">
      {error ? <ErrorAlert message={error} /> : null}
      <FormField
        id="email-new"
        label="New address"
        type="email"
        autoComplete="email"
        value={form.email}
        onValue={(email) => setForm({ ...form, email })}
        problem={problems.email}
        required
      />
      <FormField
        id="email-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        value={form.password}
        onValue={(password) => setForm({ ...form, password })}
        problem={problems.password}
        required
      />
      <div className="button-row">
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          Send the link
        </button>
      </div>
    </form>
  );
}

/**
 * Regenerate recovery codes (password and a current code): the new codes are shown once, the old
 * ones stop working.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField } from '../components/form-field.tsx';
import { messageOf } from '../lib/use-load.ts';

export function RegenerateRecoveryCodes({ onDone }: { onDone: () => void }) {
  const [form, setForm] = useState({ password: '', code: '' });
  const [open, setOpen] = useState(false);
  const [codes, setCodes] = useState<string[]>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const reply = await api<{ recovery_codes: string[] }>('POST', '/v2/users/me/2fa/recovery-codes', {
        body: { password: form.password, code: form.code.trim() },
      });
      setCodes(reply.recovery_codes);
      setOpen(false);
      onDone();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  if (codes) {
    return (
      <div className="alert alert-warning" role="status">
        <p>New recovery codes: save them now, they are shown once. The old ones no longer work.</p>
        <pre className="mono" data-testid="new-recovery-codes">
          {codes.join('\n')}
        </pre>
        <CopyButton text={codes.join('\n')} label="Copy codes" />
      </div>
    );
  }
  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Regenerate recovery codes…
      </button>
    );
  }
  return (
    <form onSubmit={submit} className="form narrow">
      {error ? <ErrorAlert message={error} /> : null}
      <FormField
        id="regen-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        value={form.password}
        onValue={(password) => setForm({ ...form, password })}
        required
      />
      <FormField
        id="regen-code"
        label="Authentication or recovery code"
        autoComplete="one-time-code"
        value={form.code}
        onValue={(code) => setForm({ ...form, code })}
        required
      />
      <div className="button-row">
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          Regenerate
        </button>
      </div>
    </form>
  );
}

/**
 * Device sign-in approval (RFC 8628): the CLI shows a code and this address; here the signed-in
 * person sees who asks (`GET /v2/device/verify?user_code=…`) and approves or denies
 * (`POST /v2/device/verify {user_code, action}`). Approving gives that device a token of this
 * account, so the page says plainly what is being approved.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { DeviceRequest } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { formatDateTime } from '../lib/format.ts';
import { navigate, useLocation } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { patLevelOf, scopeLabel } from '../lib/token-logic.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';

/** User codes are shown as `ABCD-EFGH`; people type them in any case, with or without the dash. */
export function normalizeUserCode(raw: string): string {
  const compact = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return compact.length === 8 ? `${compact.slice(0, 4)}-${compact.slice(4)}` : raw.trim().toUpperCase();
}

export function DevicePage() {
  const { search } = useLocation();
  const code = search.get('user_code');
  return (
    <section className="page narrow-page" aria-labelledby="device-title">
      <h1 id="device-title">Device sign-in</h1>
      {code ? <DeviceDecision key={code} userCode={normalizeUserCode(code)} /> : <CodeForm />}
    </section>
  );
}

function CodeForm() {
  const [value, setValue] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (value.trim()) navigate(`/device?user_code=${encodeURIComponent(normalizeUserCode(value))}`);
  }
  return (
    <form onSubmit={submit} className="form narrow">
      <div className="field">
        <label htmlFor="device-code">Code shown by your device</label>
        <input
          id="device-code"
          className="mono code-input"
          autoCapitalize="characters"
          autoComplete="off"
          placeholder="ABCD-EFGH"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          required
        />
      </div>
      <button type="submit" className="button primary">
        Continue
      </button>
    </form>
  );
}

function DeviceDecision({ userCode }: { userCode: string }) {
  const account = useAccount();
  const [request] = useLoad(
    () => api<DeviceRequest>('GET', '/v2/device/verify', { query: { user_code: userCode } }),
    [userCode],
  );
  const [outcome, setOutcome] = useState<'approved' | 'denied'>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function decide(action: 'approve' | 'deny') {
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/v2/device/verify', { body: { user_code: userCode, action } });
      setOutcome(action === 'approve' ? 'approved' : 'denied');
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  if (outcome) {
    return (
      <div className={`alert ${outcome === 'approved' ? 'alert-success' : 'alert-info'}`} role="status">
        {outcome === 'approved'
          ? `Device approved. Return to your device: it is signed in as ${account.username}.`
          : 'Sign-in denied. The device gets no access.'}
      </div>
    );
  }
  if (request.status === 'loading') return <p role="status">Looking up code {userCode}…</p>;
  if (request.status === 'error') {
    return (
      <>
        <ErrorAlert message={request.error} />
        <CodeForm />
      </>
    );
  }
  const device = request.data;
  const client = device.client_name || device.client_id || 'A device';
  const level = patLevelOf(device.token.scopes);
  const days = Math.round(device.token.expires_in / 86_400);
  return (
    <div className="card">
      <p>
        <strong>{client}</strong> asks to sign in as <strong>{account.username}</strong>.
      </p>
      <dl className="facts">
        <dt>Code</dt>
        <dd className="mono" data-testid="device-user-code">
          {device.user_code ?? userCode}
        </dd>
        {device.ip ? (
          <>
            <dt>From</dt>
            <dd>{device.ip}</dd>
          </>
        ) : null}
        {device.user_agent ? (
          <>
            <dt>Client</dt>
            <dd>{device.user_agent}</dd>
          </>
        ) : null}
        {device.created_at ? (
          <>
            <dt>Requested</dt>
            <dd>{formatDateTime(device.created_at)}</dd>
          </>
        ) : null}
        {device.expires_at ? (
          <>
            <dt>Code valid until</dt>
            <dd>{formatDateTime(device.expires_at)}</dd>
          </>
        ) : null}
        <dt>Account</dt>
        <dd>{account.username}</dd>
        <dt>Permission</dt>
        <dd>
          {scopeLabel(device.token.scopes)}
          {level ? <span className="hint">{level.help}</span> : null}
        </dd>
        {device.session ? (
          <>
            <dt>Token management</dt>
            <dd data-testid="device-session">
              Yes: it may also create, change and delete your access tokens, until you end its sign-in
            </dd>
          </>
        ) : null}
      </dl>
      <div className="alert alert-warning">
        Approving creates an auto-generated personal access token, “{device.token.label}”, for your account{' '}
        {account.username}, with the permission {scopeLabel(device.token.scopes)}, valid for {days}{' '}
        {days === 1 ? 'day' : 'days'}; you can see and delete it under Personal access tokens.
        {device.session ? (
          <>
            {' '}
            It also keeps a sign-in that manages your access tokens for{' '}
            {Math.max(1, Math.round(device.session.expires_in / 86_400))} days or until{' '}
            <code>tokenhub logout</code>; you can end it under Security → Sessions.
          </>
        ) : null}{' '}
        Approve only if you started this sign-in yourself and the code matches the one on your device.
      </div>
      {error ? <ErrorAlert message={error} /> : null}
      <div className="button-row">
        <button
          type="button"
          className="button primary"
          disabled={busy}
          onClick={() => void decide('approve')}
        >
          Approve
        </button>
        <button
          type="button"
          className="button danger-outline"
          disabled={busy}
          onClick={() => void decide('deny')}
        >
          Deny
        </button>
      </div>
    </div>
  );
}

/** Generate and edit dialogs for organization access tokens. */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { OrgAccessToken } from '../api/types.ts';
import { Dialog, ErrorAlert, FormActions } from '../components/dialog.tsx';
import { ExpiryField, TokenCreatedDialog } from '../components/token-fields.tsx';
import { formatDate } from '../lib/format.ts';
import {
  draftFromResources,
  draftProblem,
  emptyDraft,
  type OatDraft,
  resourcesFromDraft,
} from '../lib/oat-logic.ts';
import { networksOf, noRestrictions } from '../lib/pat-restrictions.ts';
import { type ExpiryChoice, expiresAtFor } from '../lib/token-logic.ts';
import { messageOf } from '../lib/use-load.ts';
import { OatPermissionsPicker } from './oat-picker.tsx';
import { AllowedNetworksField } from './pat-restrictions.tsx';

function LabelFields(props: {
  label: string;
  description: string;
  onLabel: (value: string) => void;
  onDescription: (value: string) => void;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor="oat-label">Label</label>
        <input
          id="oat-label"
          value={props.label}
          maxLength={100}
          onChange={(event) => props.onLabel(event.target.value)}
          required
          aria-describedby="oat-label-help"
        />
        <p className="hint" id="oat-label-help">
          A short name, e.g. "deploy" or "nightly build".
        </p>
      </div>
      <div className="field">
        <label htmlFor="oat-description">Description (optional)</label>
        <textarea
          id="oat-description"
          rows={2}
          maxLength={200}
          value={props.description}
          onChange={(event) => props.onDescription(event.target.value)}
        />
      </div>
    </>
  );
}

export function GenerateOatDialog(props: { org: string; onClose: () => void; onCreated: () => void }) {
  const [label, setLabel] = useState('');
  const [description, setDescription] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>('90');
  const [customDate, setCustomDate] = useState('');
  const [draft, setDraft] = useState<OatDraft>(emptyDraft);
  const [networks, setNetworks] = useState('');
  const [error, setError] = useState<string>();
  const [expiryError, setExpiryError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<OrgAccessToken>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const expiresAt = expiresAtFor(expiry, customDate, new Date());
    setExpiryError(expiresAt.ok ? undefined : expiresAt.error);
    const problem = label.trim() === '' ? 'Give the token a label.' : draftProblem(draft);
    if (problem) return setError(problem);
    if (!expiresAt.ok) return setError(undefined);
    setBusy(true);
    setError(undefined);
    const cidrs = networksOf({ ...noRestrictions, networks });
    try {
      const token = await api<OrgAccessToken>(
        'POST',
        `/v2/orgs/${encodeURIComponent(props.org)}/access-tokens`,
        {
          body: {
            label: label.trim(),
            description: description.trim(),
            resources: resourcesFromDraft(props.org, draft),
            expires_at: expiresAt.expiresAt,
            ...(cidrs.length > 0 ? { allowed_cidrs: cidrs } : {}),
          },
        },
      );
      setCreated(token);
      props.onCreated();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  if (created?.token) {
    return (
      <TokenCreatedDialog
        title="Organization access token created"
        label={created.label}
        expiresAt={created.expires_at}
        secret={created.token}
        loginName={props.org}
        kind="organization"
        onClose={props.onClose}
      />
    );
  }

  return (
    <Dialog title="Create organization access token" onClose={props.onClose} wide>
      <form onSubmit={submit} className="form" noValidate>
        {error ? <ErrorAlert message={error} /> : null}
        <LabelFields
          label={label}
          description={description}
          onLabel={setLabel}
          onDescription={setDescription}
        />
        <ExpiryField
          choice={expiry}
          customDate={customDate}
          onChoice={setExpiry}
          onCustomDate={setCustomDate}
          error={expiryError}
        />
        <OatPermissionsPicker org={props.org} draft={draft} onChange={setDraft} />
        <AllowedNetworksField value={networks} onChange={setNetworks} />
        <FormActions onCancel={props.onClose} busy={busy} label="Generate" busyLabel="Generating…" />
      </form>
    </Dialog>
  );
}

export function EditOatDialog(props: {
  org: string;
  token: OrgAccessToken;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { token } = props;
  const [label, setLabel] = useState(token.label);
  const [description, setDescription] = useState(token.description);
  const [draft, setDraft] = useState<OatDraft>(() => draftFromResources(token.resources));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = label.trim() === '' ? 'Give the token a label.' : draftProblem(draft);
    if (problem) return setError(problem);
    setBusy(true);
    setError(undefined);
    try {
      await api('PATCH', `/v2/orgs/${encodeURIComponent(props.org)}/access-tokens/${token.id}`, {
        body: {
          label: label.trim(),
          description: description.trim(),
          resources: resourcesFromDraft(props.org, draft),
        },
      });
      props.onSaved();
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Edit ${token.label}`} onClose={props.onClose} wide>
      <form onSubmit={submit} className="form" noValidate>
        {error ? <ErrorAlert message={error} /> : null}
        <LabelFields
          label={label}
          description={description}
          onLabel={setLabel}
          onDescription={setDescription}
        />
        <div className="field">
          <span className="field-label">Expiration date</span>
          <p className="readonly-value">
            {token.expires_at ? formatDate(token.expires_at) : 'No expiration'}{' '}
            <span className="hint">(cannot be changed)</span>
          </p>
        </div>
        <OatPermissionsPicker org={props.org} draft={draft} onChange={setDraft} />
        <FormActions onCancel={props.onClose} busy={busy} label="Save" busyLabel="Saving…" />
      </form>
    </Dialog>
  );
}

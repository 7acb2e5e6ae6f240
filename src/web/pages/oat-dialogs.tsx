/** Generate and edit dialogs for organization access tokens. */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { OrgAccessToken } from '../api/types.ts';
import { Dialog, ErrorAlert, FormActions } from '../components/dialog.tsx';
import { refusalOf } from '../components/form-field.tsx';
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
import { OatPermissionsPicker } from './oat-picker.tsx';
import { AllowedNetworksField } from './pat-restrictions.tsx';

/** What the form or the server refused, by field; `form` is what belongs to no field. */
type Problems = Partial<
  Record<'form' | 'label' | 'description' | 'expiry' | 'resources' | 'networks', string>
>;

/** The API's field names of these dialogs, for refusalOf. */
const apiFields = ['label', 'description', 'expires_at', 'resources', 'allowed_cidrs'];

function problemsOf(caught: unknown): Problems {
  const { fields, banner } = refusalOf(caught, apiFields);
  const problems: Problems = {
    ...(banner ? { form: banner } : {}),
    ...(fields.label ? { label: fields.label } : {}),
    ...(fields.description ? { description: fields.description } : {}),
    ...(fields.expires_at ? { expiry: fields.expires_at } : {}),
    ...(fields.resources ? { resources: fields.resources } : {}),
    ...(fields.allowed_cidrs ? { networks: fields.allowed_cidrs } : {}),
  };
  return problems;
}

function LabelFields(props: {
  label: string;
  description: string;
  onLabel: (value: string) => void;
  onDescription: (value: string) => void;
  problems: Problems;
}) {
  const { problems } = props;
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
          aria-invalid={problems.label ? true : undefined}
          aria-describedby="oat-label-help"
        />
        <p className={problems.label ? 'field-error' : 'hint'} id="oat-label-help">
          {problems.label ?? 'A short name, e.g. "deploy" or "nightly build".'}
        </p>
      </div>
      <div className="field">
        <label htmlFor="oat-description">Description (optional)</label>
        <textarea
          id="oat-description"
          rows={2}
          maxLength={200}
          value={props.description}
          aria-invalid={problems.description ? true : undefined}
          aria-describedby={problems.description ? 'oat-description-error' : undefined}
          onChange={(event) => props.onDescription(event.target.value)}
        />
        {problems.description ? (
          <p className="field-error" id="oat-description-error">
            {problems.description}
          </p>
        ) : null}
      </div>
    </>
  );
}

/** The form's own checks, before anything is sent. */
function draftProblems(label: string, draft: OatDraft): Problems {
  if (label.trim() === '') return { label: 'Give the token a label.' };
  const resources = draftProblem(draft);
  return resources ? { resources } : {};
}

export function GenerateOatDialog(props: { org: string; onClose: () => void; onCreated: () => void }) {
  const [label, setLabel] = useState('');
  const [description, setDescription] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>('90');
  const [customDate, setCustomDate] = useState('');
  const [draft, setDraft] = useState<OatDraft>(emptyDraft);
  const [networks, setNetworks] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<OrgAccessToken>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const expiresAt = expiresAtFor(expiry, customDate, new Date());
    const found = {
      ...draftProblems(label, draft),
      ...(expiresAt.ok ? {} : { expiry: expiresAt.error }),
    };
    setProblems(found);
    if (Object.keys(found).length > 0 || !expiresAt.ok) return;
    setBusy(true);
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
      setProblems(problemsOf(caught));
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
        {problems.form ? <ErrorAlert message={problems.form} /> : null}
        <LabelFields
          label={label}
          description={description}
          onLabel={setLabel}
          onDescription={setDescription}
          problems={problems}
        />
        <ExpiryField
          choice={expiry}
          customDate={customDate}
          onChoice={setExpiry}
          onCustomDate={setCustomDate}
          error={problems.expiry}
        />
        <OatPermissionsPicker org={props.org} draft={draft} onChange={setDraft} error={problems.resources} />
        <AllowedNetworksField value={networks} onChange={setNetworks} error={problems.networks} />
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
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = draftProblems(label, draft);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
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
      setProblems(problemsOf(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Edit ${token.label}`} onClose={props.onClose} wide>
      <form onSubmit={submit} className="form" noValidate>
        {problems.form ? <ErrorAlert message={problems.form} /> : null}
        <LabelFields
          label={label}
          description={description}
          onLabel={setLabel}
          onDescription={setDescription}
          problems={problems}
        />
        <div className="field">
          <span className="field-label">Expiration date</span>
          <p className="readonly-value">
            {token.expires_at ? formatDate(token.expires_at) : 'No expiration'}{' '}
            <span className="hint">(cannot be changed)</span>
          </p>
        </div>
        <OatPermissionsPicker org={props.org} draft={draft} onChange={setDraft} error={problems.resources} />
        <FormActions onCancel={props.onClose} busy={busy} label="Save" busyLabel="Saving…" />
      </form>
    </Dialog>
  );
}

/**
 * Generate and edit dialogs for personal access tokens. The secret lives only in the generate
 * dialog's state: closing the dialog unmounts it, and the secret is gone.
 */
import { type FormEvent, useId, useState } from 'react';
import { api } from '../api/client.ts';
import type { AccessToken } from '../api/types.ts';
import { Dialog, ErrorAlert, FormActions } from '../components/dialog.tsx';
import { refusalOf } from '../components/form-field.tsx';
import { ExpiryField, TokenCreatedDialog } from '../components/token-fields.tsx';
import { formatDate } from '../lib/format.ts';
import { networksOf, noRestrictions, type PatRestrictions, resourcesOf } from '../lib/pat-restrictions.ts';
import {
  defaultPatScope,
  type ExpiryChoice,
  expiresAtFor,
  type PatScope,
  patLevelOf,
  patLevels,
  tokenDescription,
} from '../lib/token-logic.ts';
import { PatRestrictionsFields } from './pat-restrictions.tsx';

const labelMaxLength = 100;

function LevelPicker({ value, onChange }: { value: PatScope; onChange: (scope: PatScope) => void }) {
  const id = useId();
  return (
    <fieldset className="field levels">
      <legend>Access permissions</legend>
      {patLevels.map((level) => (
        <div className="radio-card" key={level.scope}>
          <input
            type="radio"
            id={`${id}-${level.scope}`}
            name={`${id}-level`}
            value={level.scope}
            checked={value === level.scope}
            onChange={() => onChange(level.scope)}
            aria-describedby={`${id}-${level.scope}-help`}
          />
          <div>
            <label htmlFor={`${id}-${level.scope}`} className="radio-title">
              {level.label}
            </label>
            <span className="hint" id={`${id}-${level.scope}-help`}>
              {level.help}
            </span>
          </div>
        </div>
      ))}
    </fieldset>
  );
}

function DescriptionField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) {
  return (
    <div className="field">
      <label htmlFor="pat-description">Access token description</label>
      <input
        id="pat-description"
        value={value}
        maxLength={labelMaxLength}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby="pat-description-help"
        required
      />
      <p id="pat-description-help" className={error ? 'field-error' : 'hint'}>
        {error ?? 'What the token is for, e.g. "CI pipeline" or "laptop".'}
      </p>
    </div>
  );
}

export function GeneratePatDialog(props: { username: string; onClose: () => void; onCreated: () => void }) {
  const [label, setLabel] = useState('');
  const [level, setLevel] = useState<PatScope>(defaultPatScope);
  const [expiry, setExpiry] = useState<ExpiryChoice>('30');
  const [customDate, setCustomDate] = useState('');
  const [restrictions, setRestrictions] = useState<PatRestrictions>(noRestrictions);
  const [errors, setErrors] = useState<{
    form?: string | undefined;
    label?: string | undefined;
    expiry?: string | undefined;
    repos?: string | undefined;
    networks?: string | undefined;
  }>({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<AccessToken>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const expiresAt = expiresAtFor(expiry, customDate, new Date());
    if (label.trim() === '') return setErrors({ label: 'Give the token a description.' });
    if (!expiresAt.ok) return setErrors({ expiry: expiresAt.error });
    setBusy(true);
    setErrors({});
    try {
      // Listed repositories carry their own permissions: the level then stays the server's
      // (repo:admin), so the repositories alone decide.
      const resources = resourcesOf(restrictions);
      const networks = networksOf(restrictions);
      const token = await api<AccessToken>('POST', '/v2/access-tokens', {
        body: {
          token_label: label.trim(),
          ...(restrictions.repos.length > 0 ? { resources } : { scopes: [level] }),
          expires_at: expiresAt.expiresAt,
          ...(networks.length > 0 ? { allowed_cidrs: networks } : {}),
        },
      });
      setCreated(token);
      props.onCreated();
    } catch (caught) {
      const { fields, banner } = refusalOf(caught, [
        'token_label',
        'expires_at',
        'resources',
        'allowed_cidrs',
      ]);
      setErrors({
        form: banner,
        label: fields.token_label,
        expiry: fields.expires_at,
        repos: fields.resources,
        networks: fields.allowed_cidrs,
      });
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <TokenCreatedDialog
        title="Personal access token created"
        label={created.token_label}
        details={patLevelOf(created.scopes)?.label}
        expiresAt={created.expires_at}
        secret={created.token}
        loginName={props.username}
        kind="personal"
        onClose={props.onClose}
      />
    );
  }

  return (
    <Dialog title="Create access token" onClose={props.onClose}>
      <form onSubmit={submit} className="form" noValidate>
        {errors.form ? <ErrorAlert message={errors.form} /> : null}
        <DescriptionField value={label} onChange={setLabel} error={errors.label} />
        <ExpiryField
          choice={expiry}
          customDate={customDate}
          onChoice={setExpiry}
          onCustomDate={setCustomDate}
          error={errors.expiry}
        />
        {restrictions.repos.length === 0 ? <LevelPicker value={level} onChange={setLevel} /> : null}
        <PatRestrictionsFields
          username={props.username}
          value={restrictions}
          onChange={setRestrictions}
          errors={{ repos: errors.repos, networks: errors.networks }}
        />
        <FormActions onCancel={props.onClose} busy={busy} label="Generate" busyLabel="Generating…" />
      </form>
    </Dialog>
  );
}

export function EditPatDialog(props: { token: AccessToken; onClose: () => void; onSaved: () => void }) {
  const { token } = props;
  const [label, setLabel] = useState(token.token_label);
  const [level, setLevel] = useState<PatScope>(patLevelOf(token.scopes)?.scope ?? defaultPatScope);
  const [error, setError] = useState<string>();
  const [labelError, setLabelError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setLabelError(undefined);
    if (label.trim() === '') return setLabelError('Give the token a description.');
    const body: Record<string, unknown> = {};
    if (label.trim() !== token.token_label) body.token_label = label.trim();
    if (level !== patLevelOf(token.scopes)?.scope) body.scopes = [level];
    if (Object.keys(body).length === 0) return props.onClose();
    setBusy(true);
    setError(undefined);
    try {
      await api('PATCH', `/v2/access-tokens/${token.uuid}`, { body });
      props.onSaved();
    } catch (caught) {
      const { fields, banner } = refusalOf(caught, ['token_label']);
      setLabelError(fields.token_label);
      setError(banner);
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Edit ${tokenDescription(token)}`} onClose={props.onClose}>
      <form onSubmit={submit} className="form" noValidate>
        {error ? <ErrorAlert message={error} /> : null}
        <DescriptionField value={label} onChange={setLabel} error={labelError} />
        <div className="field">
          <span className="field-label">Expiration date</span>
          <p className="readonly-value">
            {token.expires_at ? formatDate(token.expires_at) : 'No expiration'}{' '}
            <span className="hint">(cannot be changed; generate a new token for another date)</span>
          </p>
        </div>
        <LevelPicker value={level} onChange={setLevel} />
        <FormActions onCancel={props.onClose} busy={busy} label="Save" busyLabel="Saving…" />
      </form>
    </Dialog>
  );
}

/** Form parts shared by the personal and organization token dialogs. */
import { useId } from 'react';
import { formatDate } from '../lib/format.ts';
import { registryHost } from '../lib/instance.ts';
import {
  customExpiryBounds,
  dockerLoginCommand,
  type ExpiryChoice,
  expiryChoices,
} from '../lib/token-logic.ts';
import { CopyButton } from './copy-button.tsx';
import { SecretDialog, useSecretCopied } from './dialog.tsx';
import { When } from './when.tsx';

interface ExpiryFieldProps {
  choice: ExpiryChoice;
  customDate: string;
  onChoice: (choice: ExpiryChoice) => void;
  onCustomDate: (date: string) => void;
  error?: string;
}

export function ExpiryField({ choice, customDate, onChoice, onCustomDate, error }: ExpiryFieldProps) {
  const id = useId();
  const bounds = customExpiryBounds(new Date());
  return (
    <div className="field">
      <label htmlFor={`${id}-choice`}>Expiration date</label>
      <select
        id={`${id}-choice`}
        value={choice}
        onChange={(event) => onChoice(event.target.value as ExpiryChoice)}
      >
        {expiryChoices.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {choice === 'custom' ? (
        <>
          <label htmlFor={`${id}-date`}>Expires on</label>
          <input
            id={`${id}-date`}
            type="date"
            min={bounds.min}
            max={bounds.max}
            value={customDate}
            onChange={(event) => onCustomDate(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-help`}
            required
          />
        </>
      ) : null}
      <p id={`${id}-help`} className={error ? 'field-error' : 'hint'}>
        {error ?? 'At most one year ahead. The expiration date cannot be changed later.'}
      </p>
    </div>
  );
}

interface SecretRevealProps {
  secret: string;
  /** The `docker login -u <name>` user: the account, or the organization for its tokens. */
  loginName: string;
  kind: 'personal' | 'organization';
}

/** The new secret, shown once: copy button, warning and the ready `docker login` command. */
export function SecretReveal({ secret, loginName, kind }: SecretRevealProps) {
  const id = useId();
  const host = registryHost();
  const command = dockerLoginCommand(loginName, host);
  const markCopied = useSecretCopied();
  return (
    <div className="secret-reveal">
      <div className="alert alert-warning" role="status">
        <strong>Copy this token now.</strong> For your security it will not be shown again: once you close
        this dialog, tokenhub keeps only a fingerprint of it.
      </div>
      <label htmlFor={`${id}-secret`}>
        {kind === 'personal' ? 'Personal access token' : 'Organization access token'}
      </label>
      <div className="copy-row">
        <input
          id={`${id}-secret`}
          className="mono"
          readOnly
          value={secret}
          onFocus={(event) => event.target.select()}
          onCopy={markCopied}
          data-testid="token-secret"
        />
        <CopyButton text={secret} label="Copy token" secret />
      </div>
      <h3 className="subheading">Use it with the docker CLI</h3>
      <ol className="steps">
        <li>
          Run
          <div className="copy-row">
            <code className="command" data-testid="docker-login-command">
              {command}
            </code>
            <CopyButton text={command} label="Copy the docker login command" />
          </div>
        </li>
        {host ? null : (
          <li data-testid="registry-host-needed">
            Replace REGISTRY-HOST with your registry's address: this tokenhub does not know it (an
            administrator sets <code>TOKENHUB_REGISTRY_URL</code>). Without a host, docker signs in to Docker
            Hub.
          </li>
        )}
        <li>At the password prompt, paste the token.</li>
      </ol>
    </div>
  );
}

interface TokenCreatedDialogProps extends SecretRevealProps {
  title: string;
  label: string;
  /** Shown between the label and the expiry (a PAT's permission level). */
  details?: string;
  expiresAt: string | null;
  onClose: () => void;
}

/**
 * After a token was created: what it is, its secret once, and the way back to the list (which
 * asks first while the secret was never copied).
 */
export function TokenCreatedDialog(props: TokenCreatedDialogProps) {
  return (
    <SecretDialog
      title={props.title}
      secretName="the token"
      closeLabel="Back to access tokens"
      onClose={props.onClose}
    >
      <p>
        <strong>{props.label}</strong> · {props.details ? `${props.details} · ` : ''}
        {props.expiresAt ? `expires ${formatDate(props.expiresAt)}` : 'never expires'}
      </p>
      <SecretReveal secret={props.secret} loginName={props.loginName} kind={props.kind} />
    </SecretDialog>
  );
}

/** A token table's "Expires" cell: the date (full time on hover), or "Never". */
export function ExpiresCell({ expiresAt }: { expiresAt: string | null }) {
  return (
    <td data-label="Expires">
      {expiresAt ? <When iso={expiresAt} /> : <span className="muted">Never</span>}
    </td>
  );
}

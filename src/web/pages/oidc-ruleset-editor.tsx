/**
 * One ruleset of an OIDC connection: its subject pattern with a live preview of which sample
 * `sub` values it matches (editable samples), further claim conditions, and the repositories it
 * grants with pull, push or (in a personal namespace) delete.
 */
import { useId, useState } from 'react';
import {
  type ConnectionOwner,
  previewSubjects,
  type RepoAction,
  type RulesetDraft,
  rowKey,
  sampleSubjects,
} from '../lib/oidc-logic.ts';

interface Props {
  owner: ConnectionOwner;
  index: number;
  ruleset: RulesetDraft;
  onChange: (ruleset: RulesetDraft) => void;
  onRemove?: (() => void) | undefined;
}

export function RulesetEditor({ owner, index, ruleset, onChange, onRemove }: Props) {
  const id = useId();
  const [samples, setSamples] = useState(() => sampleSubjects(owner).join('\n'));
  const preview = previewSubjects(ruleset.subject, samples);
  const actions: RepoAction[] = owner.kind === 'user' ? ['pull', 'push', 'delete'] : ['pull', 'push'];
  const name = ruleset.label.trim() || `Ruleset ${index + 1}`;
  const set = (change: Partial<RulesetDraft>) => onChange({ ...ruleset, ...change });

  return (
    <fieldset className="ruleset card" aria-label={name} data-testid="ruleset">
      <legend className="subheading">{name}</legend>
      <div className="ruleset-grid">
        <div className="field">
          <label htmlFor={`${id}-label`}>Label (optional)</label>
          <input
            id={`${id}-label`}
            value={ruleset.label}
            maxLength={100}
            onChange={(e) => set({ label: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-subject`}>Subject (sub) pattern</label>
          <input
            id={`${id}-subject`}
            className="mono"
            value={ruleset.subject}
            maxLength={256}
            spellCheck={false}
            aria-describedby={`${id}-subject-help`}
            onChange={(e) => set({ subject: e.target.value })}
          />
          <p className="hint" id={`${id}-subject-help`}>
            <code>*</code> matches any run of characters: <code>repo:{owner.name}/*</code> is every
            repository’s jobs, <code>repo:{owner.name}/api:ref:refs/heads/main</code> only main of api.
          </p>
        </div>
      </div>

      <div className="preview">
        <div className="field">
          <label htmlFor={`${id}-samples`}>Sample subjects (one per line)</label>
          <textarea
            id={`${id}-samples`}
            className="mono"
            rows={5}
            spellCheck={false}
            value={samples}
            onChange={(e) => setSamples(e.target.value)}
          />
        </div>
        <ul className="preview-list" aria-label={`Which samples ${name} matches`} aria-live="polite">
          {preview.map((row) => (
            <li key={row.subject} className={row.matches ? 'match' : 'no-match'} data-testid="preview-row">
              <span aria-hidden="true">{row.matches ? '✓' : '✗'}</span>{' '}
              <span className="visually-hidden">{row.matches ? 'matches' : 'does not match'}: </span>
              <code>{row.subject}</code>
            </li>
          ))}
        </ul>
      </div>

      <fieldset className="field">
        <legend>Other claims (optional)</legend>
        {ruleset.claims.map((claim, at) => (
          <div className="inline-field" key={claim.key}>
            <input
              aria-label={`Claim name ${at + 1}`}
              placeholder="environment"
              value={claim.name}
              onChange={(e) =>
                set({ claims: ruleset.claims.map((c, i) => (i === at ? { ...c, name: e.target.value } : c)) })
              }
            />
            <input
              aria-label={`Claim value or pattern ${at + 1}`}
              placeholder="production"
              className="mono"
              value={claim.pattern}
              onChange={(e) =>
                set({
                  claims: ruleset.claims.map((c, i) => (i === at ? { ...c, pattern: e.target.value } : c)),
                })
              }
            />
            <button
              type="button"
              className="button small"
              aria-label={`Remove claim ${at + 1}`}
              onClick={() => set({ claims: ruleset.claims.filter((_, i) => i !== at) })}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="link-button"
          onClick={() => set({ claims: [...ruleset.claims, { key: rowKey(), name: '', pattern: '' }] })}
        >
          Add a claim condition
        </button>
      </fieldset>

      <fieldset className="field">
        <legend>Repositories</legend>
        {ruleset.resources.map((resource, at) => (
          <div className="inline-field" key={resource.key}>
            <span className="mono">{owner.name}/</span>
            <input
              aria-label={`Repository ${at + 1} of ${name}`}
              placeholder="api or *"
              value={resource.repository}
              onChange={(e) =>
                set({
                  resources: ruleset.resources.map((r, i) =>
                    i === at ? { ...r, repository: e.target.value } : r,
                  ),
                })
              }
            />
            <select
              aria-label={`Access to repository ${at + 1} of ${name}`}
              value={resource.action}
              onChange={(e) =>
                set({
                  resources: ruleset.resources.map((r, i) =>
                    i === at ? { ...r, action: e.target.value as RepoAction } : r,
                  ),
                })
              }
            >
              {actions.map((action) => (
                <option key={action} value={action}>
                  {action === 'push' ? 'pull and push' : action === 'delete' ? 'pull and delete' : 'pull'}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button small"
              aria-label={`Remove repository ${at + 1} of ${name}`}
              disabled={ruleset.resources.length === 1}
              onClick={() => set({ resources: ruleset.resources.filter((_, i) => i !== at) })}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="link-button"
          onClick={() =>
            set({ resources: [...ruleset.resources, { key: rowKey(), repository: '', action: 'pull' }] })
          }
        >
          Add a repository
        </button>
      </fieldset>
      {onRemove ? (
        <button type="button" className="button small danger-outline" onClick={onRemove}>
          Remove {name}
        </button>
      ) : null}
    </fieldset>
  );
}

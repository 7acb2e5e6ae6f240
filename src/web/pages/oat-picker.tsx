/**
 * What an organization access token may do: repositories (picked from the organization's existing
 * ones or typed, `org/*` for all), pull or pull & push each, public repositories anywhere (pull),
 * and the organization scopes (members, invites, groups: read or edit).
 */
import { useId } from 'react';
import { RepositoryList, useRepositorySuggestions } from '../components/repository-list.tsx';
import {
  addRepo,
  maxOatRepositories,
  normalizeRepoPath,
  type OatDraft,
  type OrgScopeLevel,
  orgScopeAreas,
} from '../lib/oat-logic.ts';

const oatLevels = [
  { value: 'pull', label: 'Image pull' },
  { value: 'push', label: 'Image pull & push' },
];

interface PickerProps {
  org: string;
  draft: OatDraft;
  onChange: (draft: OatDraft) => void;
  /** Why the server or the form refused the resources, shown under the repository list. */
  error?: string | undefined;
}

export function OatPermissionsPicker({ org, draft, onChange, error }: PickerProps) {
  const id = useId();
  const { suggestions, repos } = useRepositorySuggestions(
    org,
    draft.repos.map((repo) => repo.path),
  );

  function add(typed: string): string | undefined {
    const result = normalizeRepoPath(org, typed);
    if (!result.ok) return result.error;
    if (draft.repos.length >= maxOatRepositories) {
      return `A token can name at most ${maxOatRepositories} repositories.`;
    }
    onChange(addRepo(draft, result.path));
    return undefined;
  }

  return (
    <>
      <fieldset className="field">
        <legend>Repositories</legend>
        <p className="hint" id={`${id}-repo-help`}>
          Pick one of {org}’s repositories or type a name (it may not exist yet: a push creates it).{' '}
          <code>{org}/*</code> means every repository of {org}.
          {repos.status === 'error' ? ` The repository list could not be read: ${repos.error}` : ''}
        </p>
        <RepositoryList
          id={id}
          rows={draft.repos.map((repo) => ({ path: repo.path, level: repo.push ? 'push' : 'pull' }))}
          levels={oatLevels}
          suggestions={suggestions}
          placeholder={`${org}/name`}
          onAdd={add}
          onLevel={(index, level) =>
            onChange({
              ...draft,
              repos: draft.repos.map((other, at) =>
                at === index ? { ...other, push: level === 'push' } : other,
              ),
            })
          }
          onRemove={(index) => onChange({ ...draft, repos: draft.repos.filter((_, at) => at !== index) })}
          serverError={error}
          empty={<p className="muted">No repositories yet.</p>}
        />
        <div className="checkbox-field">
          <input
            id={`${id}-public`}
            type="checkbox"
            checked={draft.publicRead}
            onChange={(event) => onChange({ ...draft, publicRead: event.target.checked })}
          />
          <label htmlFor={`${id}-public`}>
            Read public repositories
            <span className="hint"> Pull any public repository on this registry, of any namespace.</span>
          </label>
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>Organization permissions</legend>
        {orgScopeAreas.map((area) => (
          <div className="inline-field spaced" key={area.key}>
            <label htmlFor={`${id}-${area.key}`}>{area.label}</label>
            <select
              id={`${id}-${area.key}`}
              value={draft.org[area.key]}
              aria-describedby={`${id}-${area.key}-help`}
              onChange={(event) =>
                onChange({ ...draft, org: { ...draft.org, [area.key]: event.target.value as OrgScopeLevel } })
              }
            >
              <option value="none">No access</option>
              <option value="read">Read</option>
              {'readOnly' in area ? null : <option value="edit">Read &amp; edit</option>}
            </select>
            <span className="hint" id={`${id}-${area.key}-help`}>
              {area.help}
            </span>
          </div>
        ))}
      </fieldset>
    </>
  );
}

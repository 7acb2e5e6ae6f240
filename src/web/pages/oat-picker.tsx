/**
 * What an organization access token may do: repositories (picked from the organization's existing
 * ones or typed, `org/*` for all), pull or pull & push each, public repositories anywhere (pull),
 * and the organization scopes (members, invites, groups: read or edit).
 */
import { useId, useState } from 'react';
import { ApiError, fetchAllPages } from '../api/client.ts';
import type { Repository, RepositoryPage } from '../api/types.ts';
import {
  addRepo,
  maxOatRepositories,
  normalizeRepoPath,
  type OatDraft,
  type OrgScopeLevel,
  orgScopeAreas,
} from '../lib/oat-logic.ts';
import { useLoad } from '../lib/use-load.ts';

interface PickerProps {
  org: string;
  draft: OatDraft;
  onChange: (draft: OatDraft) => void;
}

export function OatPermissionsPicker({ org, draft, onChange }: PickerProps) {
  const id = useId();
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string>();
  // A namespace the repository API does not serve (404) leaves only typed paths to pick.
  const [repos] = useLoad(
    () =>
      fetchAllPages<Repository>(
        `/v2/namespaces/${encodeURIComponent(org)}/repositories`,
        (reply) => reply as RepositoryPage,
        5,
      ).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return [];
        throw error;
      }),
    [org],
  );
  const suggestions = [
    `${org}/*`,
    ...(repos.data ?? []).map((repo) => `${repo.namespace}/${repo.name}`),
  ].filter((path) => !draft.repos.some((repo) => repo.path === path));

  function add() {
    const result = normalizeRepoPath(org, typed);
    if (!result.ok) return setTypedError(result.error);
    if (draft.repos.length >= maxOatRepositories) {
      return setTypedError(`A token can name at most ${maxOatRepositories} repositories.`);
    }
    setTypedError(undefined);
    setTyped('');
    onChange(addRepo(draft, result.path));
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
        <div className="copy-row">
          <label htmlFor={`${id}-repo`} className="visually-hidden">
            Repository to add
          </label>
          <input
            id={`${id}-repo`}
            list={`${id}-repo-list`}
            value={typed}
            placeholder={`${org}/name`}
            autoCapitalize="none"
            aria-describedby={`${id}-repo-help${typedError ? ` ${id}-repo-error` : ''}`}
            aria-invalid={typedError ? true : undefined}
            onChange={(event) => setTyped(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                add();
              }
            }}
          />
          <datalist id={`${id}-repo-list`}>
            {suggestions.map((path) => (
              <option key={path} value={path} />
            ))}
          </datalist>
          <button type="button" className="button" onClick={add}>
            Add repository
          </button>
        </div>
        {typedError ? (
          <p id={`${id}-repo-error`} className="field-error" role="alert">
            {typedError}
          </p>
        ) : null}
        {draft.repos.length > 0 ? (
          <table className="data-table compact">
            <caption className="visually-hidden">Repositories this token may use</caption>
            <thead>
              <tr>
                <th scope="col">Repository</th>
                <th scope="col">Permission</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {draft.repos.map((repo, index) => (
                <tr key={repo.path}>
                  <td className="mono">{repo.path}</td>
                  <td>
                    <select
                      aria-label={`Permission on ${repo.path}`}
                      value={repo.push ? 'push' : 'pull'}
                      onChange={(event) =>
                        onChange({
                          ...draft,
                          repos: draft.repos.map((other, at) =>
                            at === index ? { ...other, push: event.target.value === 'push' } : other,
                          ),
                        })
                      }
                    >
                      <option value="pull">Image pull</option>
                      <option value="push">Image pull &amp; push</option>
                    </select>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Remove ${repo.path}`}
                      onClick={() =>
                        onChange({ ...draft, repos: draft.repos.filter((_, at) => at !== index) })
                      }
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No repositories yet.</p>
        )}
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

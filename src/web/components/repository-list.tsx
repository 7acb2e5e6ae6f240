/**
 * The repositories a token may use, as both token dialogs ask for them (organization tokens in
 * oat-picker.tsx, fine-grained personal tokens in pat-restrictions.tsx): a name typed or picked from
 * the namespace's repositories, added to a table with a permission per repository and a remove
 * button. The caller keeps the list and its rules; this draws it and holds what is being typed.
 */
import { type ReactNode, useState } from 'react';
import { ApiError, fetchAllPages } from '../api/client.ts';
import type { Repository, RepositoryPage } from '../api/types.ts';
import { type Load, useLoad } from '../lib/use-load.ts';

/**
 * `namespace/*` and the namespace's repositories, less those already listed. A namespace the
 * repository API does not serve (404) offers only `namespace/*`.
 */
export function useRepositorySuggestions(
  namespace: string,
  listed: readonly string[],
): { suggestions: string[]; repos: Load<Repository[]> } {
  const [repos] = useLoad(
    () =>
      fetchAllPages<Repository>(
        `/v2/namespaces/${encodeURIComponent(namespace)}/repositories`,
        (reply) => reply as RepositoryPage,
        5,
      ).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return [];
        throw error;
      }),
    [namespace],
  );
  const suggestions = [
    `${namespace}/*`,
    ...(repos.data ?? []).map((repo) => `${repo.namespace}/${repo.name}`),
  ].filter((path) => !listed.includes(path));
  return { suggestions, repos };
}

interface RepositoryListProps {
  /** The caller's `useId()`: its help paragraph is `${id}-repo-help`. */
  id: string;
  rows: ReadonlyArray<{ path: string; level: string }>;
  levels: ReadonlyArray<{ value: string; label: string }>;
  suggestions: readonly string[];
  placeholder: string;
  /** Adds a typed name; returns why it cannot be added, or undefined once it is. */
  onAdd: (typed: string) => string | undefined;
  onLevel: (index: number, level: string) => void;
  onRemove: (index: number) => void;
  /** The server's message about the repositories, shown when nothing typed is wrong. */
  serverError?: string | undefined;
  /** Shown instead of the table while the list is empty. */
  empty?: ReactNode;
}

export function RepositoryList(props: RepositoryListProps) {
  const { id } = props;
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string>();
  const error = typedError ?? props.serverError;

  function add() {
    const problem = props.onAdd(typed);
    setTypedError(problem);
    if (!problem) setTyped('');
  }

  return (
    <>
      <div className="copy-row">
        <label htmlFor={`${id}-repo`} className="visually-hidden">
          Repository to add
        </label>
        <input
          id={`${id}-repo`}
          list={`${id}-repo-list`}
          value={typed}
          placeholder={props.placeholder}
          autoCapitalize="none"
          aria-describedby={`${id}-repo-help${error ? ` ${id}-repo-error` : ''}`}
          aria-invalid={error ? true : undefined}
          onChange={(event) => setTyped(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              add();
            }
          }}
        />
        <datalist id={`${id}-repo-list`}>
          {props.suggestions.map((path) => (
            <option key={path} value={path} />
          ))}
        </datalist>
        <button type="button" className="button" onClick={add}>
          Add repository
        </button>
      </div>
      {error ? (
        <p id={`${id}-repo-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {props.rows.length > 0 ? (
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
            {props.rows.map((row, index) => (
              <tr key={row.path}>
                <td className="mono">{row.path}</td>
                <td>
                  <select
                    aria-label={`Permission on ${row.path}`}
                    value={row.level}
                    onChange={(event) => props.onLevel(index, event.target.value)}
                  >
                    {props.levels.map((level) => (
                      <option key={level.value} value={level.value}>
                        {level.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Remove ${row.path}`}
                    onClick={() => props.onRemove(index)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        (props.empty ?? null)
      )}
    </>
  );
}

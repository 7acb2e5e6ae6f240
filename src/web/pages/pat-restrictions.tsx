/**
 * The restrictions of a personal access token in its generate dialog: the repositories of a
 * fine-grained token (typed or picked from the caller's own, with pull, push or delete each) and
 * the networks it may be used from. Shaped like the organization token picker (oat-picker.tsx).
 */
import { useId, useState } from 'react';
import { ApiError, fetchAllPages } from '../api/client.ts';
import type { Repository, RepositoryPage } from '../api/types.ts';
import {
  maxAllowedNetworks,
  maxPatRepositories,
  normalizePatRepoPath,
  type PatRestrictions,
  type RepoAction,
} from '../lib/pat-restrictions.ts';
import { useLoad } from '../lib/use-load.ts';

interface Props {
  username: string;
  value: PatRestrictions;
  onChange: (value: PatRestrictions) => void;
  /** The server's message about `resources` or `allowed_cidrs`. */
  errors?: { repos?: string; networks?: string };
}

export function PatRestrictionsFields({ username, value, onChange, errors = {} }: Props) {
  const id = useId();
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string>();
  const [repos] = useLoad(
    () =>
      fetchAllPages<Repository>(
        `/v2/namespaces/${encodeURIComponent(username)}/repositories`,
        (reply) => reply as RepositoryPage,
        5,
      ).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return [];
        throw error;
      }),
    [username],
  );
  const suggestions = [`${username}/*`, ...(repos.data ?? []).map((r) => `${r.namespace}/${r.name}`)].filter(
    (path) => !value.repos.some((repo) => repo.path === path),
  );
  const repoError = typedError ?? errors.repos;

  function add() {
    const result = normalizePatRepoPath(username, typed);
    if (!result.ok) return setTypedError(result.error);
    if (value.repos.length >= maxPatRepositories) {
      return setTypedError(`A token can name at most ${maxPatRepositories} repositories.`);
    }
    setTypedError(undefined);
    setTyped('');
    if (!value.repos.some((repo) => repo.path === result.path)) {
      onChange({ ...value, repos: [...value.repos, { path: result.path, action: 'pull' }] });
    }
  }

  return (
    <>
      <fieldset className="field">
        <legend>Repositories (optional)</legend>
        <p className="hint" id={`${id}-repo-help`}>
          Leave empty for every repository the access permissions allow. Otherwise the token may use only
          these: yours, or an organization’s you belong to (<code>acme/api</code>, <code>acme/*</code>).
        </p>
        <div className="copy-row">
          <label htmlFor={`${id}-repo`} className="visually-hidden">
            Repository to add
          </label>
          <input
            id={`${id}-repo`}
            list={`${id}-repo-list`}
            value={typed}
            placeholder={`${username}/name`}
            autoCapitalize="none"
            aria-describedby={`${id}-repo-help${repoError ? ` ${id}-repo-error` : ''}`}
            aria-invalid={repoError ? true : undefined}
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
        {repoError ? (
          <p id={`${id}-repo-error`} className="field-error" role="alert">
            {repoError}
          </p>
        ) : null}
        {value.repos.length > 0 ? (
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
              {value.repos.map((repo, index) => (
                <tr key={repo.path}>
                  <td className="mono">{repo.path}</td>
                  <td>
                    <select
                      aria-label={`Permission on ${repo.path}`}
                      value={repo.action}
                      onChange={(event) =>
                        onChange({
                          ...value,
                          repos: value.repos.map((other, at) =>
                            at === index ? { ...other, action: event.target.value as RepoAction } : other,
                          ),
                        })
                      }
                    >
                      <option value="pull">Image pull</option>
                      <option value="push">Image pull &amp; push</option>
                      <option value="delete">Image pull &amp; delete</option>
                    </select>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Remove ${repo.path}`}
                      onClick={() =>
                        onChange({ ...value, repos: value.repos.filter((_, at) => at !== index) })
                      }
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <div className="checkbox-field">
          <input
            id={`${id}-public`}
            type="checkbox"
            checked={value.publicRead}
            onChange={(event) => onChange({ ...value, publicRead: event.target.checked })}
          />
          <label htmlFor={`${id}-public`}>
            Also read public repositories
            <span className="hint"> With repositories listed: pull any public repository too.</span>
          </label>
        </div>
      </fieldset>
      <AllowedNetworksField
        value={value.networks}
        onChange={(networks) => onChange({ ...value, networks })}
        error={errors.networks}
      />
    </>
  );
}

/** The networks a token (personal or organization) may be used from, one per line. */
export function AllowedNetworksField(props: {
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={`${id}-networks`}>Allowed networks (optional)</label>
      <textarea
        id={`${id}-networks`}
        rows={2}
        value={props.value}
        placeholder="10.0.0.0/8"
        aria-describedby={`${id}-networks-help`}
        aria-invalid={props.error ? true : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <p id={`${id}-networks-help`} className={props.error ? 'field-error' : 'hint'}>
        {props.error ??
          `One IPv4 or IPv6 network (CIDR) or address per line, at most ${maxAllowedNetworks}. Leave empty to allow any address.`}
      </p>
    </div>
  );
}

/** A token's restrictions and recent addresses, for its row's details. */
export function TokenReach({
  resources,
  allowedCidrs,
  lastUsedIps,
}: {
  resources: ReadonlyArray<{ path: string; scopes: readonly string[] }>;
  allowedCidrs: readonly string[];
  lastUsedIps: ReadonlyArray<{ ip: string; first_seen: string; last_seen: string }>;
}) {
  return (
    <>
      <dt>Repositories</dt>
      <dd>
        {resources.length === 0
          ? 'all its permissions allow'
          : resources
              .map(
                (r) =>
                  `${r.path === '*/*/public' ? 'public' : r.path} (${r.scopes.map((s) => s.replace('scope-image-', '')).join(', ')})`,
              )
              .join('; ')}
      </dd>
      <dt>Allowed from</dt>
      <dd>{allowedCidrs.length === 0 ? 'anywhere' : allowedCidrs.join(', ')}</dd>
      <dt>Recent addresses</dt>
      <dd>
        {lastUsedIps.length === 0 ? (
          'none yet'
        ) : (
          <ul className="plain-list" aria-label="Last five client addresses">
            {lastUsedIps.map((a) => (
              <li key={a.ip}>
                <span className="mono">{a.ip}</span>{' '}
                <span className="hint">
                  first <time dateTime={a.first_seen}>{new Date(a.first_seen).toLocaleString()}</time>, last{' '}
                  <time dateTime={a.last_seen}>{new Date(a.last_seen).toLocaleString()}</time>
                </span>
              </li>
            ))}
          </ul>
        )}
      </dd>
    </>
  );
}

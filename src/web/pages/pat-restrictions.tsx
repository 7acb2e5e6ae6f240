/**
 * The restrictions of a personal access token in its generate dialog: the repositories of a
 * fine-grained token (typed or picked from the caller's own, with pull, push or delete each) and
 * the networks it may be used from. The repository list is the organization token picker's
 * (components/repository-list.tsx).
 */
import { useId } from 'react';
import { RepositoryList, useRepositorySuggestions } from '../components/repository-list.tsx';
import {
  maxAllowedNetworks,
  maxPatRepositories,
  normalizePatRepoPath,
  type PatRestrictions,
  type RepoAction,
} from '../lib/pat-restrictions.ts';

const patLevels: ReadonlyArray<{ value: RepoAction; label: string }> = [
  { value: 'pull', label: 'Image pull' },
  { value: 'push', label: 'Image pull & push' },
  { value: 'delete', label: 'Image pull & delete' },
];

interface Props {
  username: string;
  value: PatRestrictions;
  onChange: (value: PatRestrictions) => void;
  /** The server's message about `resources` or `allowed_cidrs`. */
  errors?: { repos?: string; networks?: string };
}

export function PatRestrictionsFields({ username, value, onChange, errors = {} }: Props) {
  const id = useId();
  const { suggestions } = useRepositorySuggestions(
    username,
    value.repos.map((repo) => repo.path),
  );

  function add(typed: string): string | undefined {
    const result = normalizePatRepoPath(username, typed);
    if (!result.ok) return result.error;
    if (value.repos.length >= maxPatRepositories) {
      return `A token can name at most ${maxPatRepositories} repositories.`;
    }
    if (!value.repos.some((repo) => repo.path === result.path)) {
      onChange({ ...value, repos: [...value.repos, { path: result.path, action: 'pull' }] });
    }
    return undefined;
  }

  return (
    <>
      <fieldset className="field">
        <legend>Repositories (optional)</legend>
        <p className="hint" id={`${id}-repo-help`}>
          Leave empty for every repository the access permissions allow. Otherwise the token may use only
          these: yours, or an organization’s you belong to (<code>acme/api</code>, <code>acme/*</code>).
        </p>
        <RepositoryList
          id={id}
          rows={value.repos.map((repo) => ({ path: repo.path, level: repo.action }))}
          levels={patLevels}
          suggestions={suggestions}
          placeholder={`${username}/name`}
          onAdd={add}
          onLevel={(index, level) =>
            onChange({
              ...value,
              repos: value.repos.map((other, at) =>
                at === index ? { ...other, action: level as RepoAction } : other,
              ),
            })
          }
          onRemove={(index) => onChange({ ...value, repos: value.repos.filter((_, at) => at !== index) })}
          serverError={errors.repos}
        />
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
  error?: string | undefined;
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

/**
 * A token's restrictions and recent addresses, for its row's details; without `resources` (an
 * organization token, whose permissions its row lists) only the networks and addresses.
 */
export function TokenReach({
  resources,
  allowedCidrs,
  lastUsedIps,
}: {
  resources?: ReadonlyArray<{ path: string; scopes: readonly string[] }>;
  allowedCidrs: readonly string[];
  lastUsedIps: ReadonlyArray<{ ip: string; first_seen: string; last_seen: string }>;
}) {
  return (
    <>
      {resources ? (
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
        </>
      ) : null}
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

/**
 * The repositories a group has a permission on (read, write or admin, in the console's words), in
 * an opened group of the people page (org-groups.section.tsx). Owners and editors add a repository,
 * change its permission and remove it (`/v2/orgs/{org}/groups/{group}/repositories/{repo}`); other
 * members see the list read-only.
 */
import { type FormEvent, useId, useState } from 'react';
import type { RepositoryPermissionObject } from '../../api/contract/orgs.contract.ts';
import { api, fetchAllPages } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, refusalOf } from '../components/form-field.tsx';
import { useRepositorySuggestions } from '../components/repository-list.tsx';
import { type GroupPermission, groupPermissionLabel, groupPermissionLevels } from '../lib/token-logic.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';

export function GroupRepositories({
  org,
  group,
  canEdit,
  done,
}: {
  org: string;
  group: string;
  /** Owners and editors (the API's repo-permission-edit). */
  canEdit: boolean;
  done: (message: string) => void;
}) {
  const id = useId();
  const path = `/v2/orgs/${encodeURIComponent(org)}/groups/${encodeURIComponent(group)}/repositories`;
  const [grants, reload] = useLoad(
    () =>
      fetchAllPages<RepositoryPermissionObject>(path, (reply) => reply as Page<RepositoryPermissionObject>),
    [path],
  );
  const rows = grants.data ?? [];
  const { repos } = useRepositorySuggestions(org, []);
  const listed = new Set(rows.map((row) => row.repository));
  const suggestions = (repos.data ?? []).map((repo) => repo.name).filter((name) => !listed.has(name));
  const [repository, setRepository] = useState('');
  const [permission, setPermission] = useState<GroupPermission>('read');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<string>();

  async function grant(name: string, level: GroupPermission): Promise<void> {
    await api('PUT', `${path}/${encodeURIComponent(name)}`, { body: { permission: level } });
    done(`${group} now has ${groupPermissionLabel(level)} on ${name}.`);
    reload();
  }
  async function add(event: FormEvent) {
    event.preventDefault();
    const typed = repository.trim();
    const name = typed.startsWith(`${org}/`) ? typed.slice(org.length + 1) : typed;
    setProblem(undefined);
    setError(undefined);
    if (!name) return setProblem('Name a repository of the organization.');
    try {
      await grant(name, permission);
      setRepository('');
    } catch (caught) {
      const refusal = refusalOf(caught, ['repo']);
      setProblem(refusal.fields.repo ?? refusal.banner);
    }
  }
  async function change(name: string, level: GroupPermission) {
    setError(undefined);
    await grant(name, level).catch((caught) => setError(messageOf(caught)));
  }
  async function remove(name: string) {
    setError(undefined);
    try {
      await api('DELETE', `${path}/${encodeURIComponent(name)}`);
      done(`${group} no longer has a permission on ${name}.`);
      reload();
    } catch (caught) {
      setError(messageOf(caught));
    }
  }

  return (
    <div className="group-repositories">
      <h3 id={`${id}-title`}>Repository permissions</h3>
      {grants.status === 'error' ? <ErrorAlert message={grants.error} /> : null}
      {error ? <ErrorAlert message={error} /> : null}
      {rows.length === 0 && grants.status === 'ready' ? (
        <p className="muted">{group} has no permission on any repository yet.</p>
      ) : null}
      {rows.length > 0 ? (
        <table className="data-table compact" aria-labelledby={`${id}-title`}>
          <thead>
            <tr>
              <th scope="col">Repository</th>
              <th scope="col">Permission</th>
              {canEdit ? (
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.repository} data-testid="group-repository-row">
                <td className="mono">
                  {org}/{row.repository}
                </td>
                <td>
                  {canEdit ? (
                    <select
                      aria-label={`Permission on ${row.repository}`}
                      value={row.permission}
                      onChange={(event) => change(row.repository, event.target.value as GroupPermission)}
                    >
                      {groupPermissionLevels.map((level) => (
                        <option key={level.value} value={level.value}>
                          {level.label}
                        </option>
                      ))}
                    </select>
                  ) : (
                    groupPermissionLabel(row.permission)
                  )}
                </td>
                {canEdit ? (
                  <td>
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Remove ${row.repository}`}
                      onClick={() => remove(row.repository)}
                    >
                      Remove
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canEdit ? (
        <form onSubmit={add} className="form inline">
          <FormField
            id={`${id}-repo`}
            label={`Repository for ${group}`}
            value={repository}
            onValue={setRepository}
            problem={problem}
            list={`${id}-repos`}
            autoCapitalize="none"
            hint="A repository of the organization; it need not exist yet."
          />
          <datalist id={`${id}-repos`}>
            {suggestions.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <div className="field">
            <label htmlFor={`${id}-permission`}>Permission</label>
            <select
              id={`${id}-permission`}
              value={permission}
              onChange={(event) => setPermission(event.target.value as GroupPermission)}
            >
              {groupPermissionLevels.map((level) => (
                <option key={level.value} value={level.value}>
                  {level.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button primary">
            Add permission
          </button>
        </form>
      ) : null}
    </div>
  );
}

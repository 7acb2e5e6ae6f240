/**
 * Registry Access Management on the organization settings page: whether Docker Desktop may reach
 * only the allowed registries, Docker Hub's own switch, and the custom registries (add by address
 * and friendly name, allow or deny, remove). Owners change them; members read them.
 */
import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import type { RegistryAccess } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField } from '../components/form-field.tsx';
import { Check, SaveRow, settingsPath, useSettingsForm } from '../components/settings-form.tsx';

/** The standard registries Docker's clients name, in words. */
const standardRegistryNames: Record<string, string> = { DockerHub: 'Docker Hub' };

export function RegistryAccessSection({ org, owner }: { org: string; owner: boolean }) {
  const id = useId();
  const [address, setAddress] = useState('');
  const [friendlyName, setFriendlyName] = useState('');
  const [addProblem, setAddProblem] = useState<string>();
  const settings = useSettingsForm<RegistryAccess>(settingsPath(org, '/registry-access-management'));
  const access = settings.form;
  const customs = access?.custom_registries ?? [];
  // Docker Hub is allowed unless the settings say otherwise (an organization that never saved them).
  const dockerHub = access?.standard_registries.find((r) => r.id === 'DockerHub')?.allowed ?? true;

  function setDockerHub(allowed: boolean) {
    if (!access) return;
    const others = access.standard_registries.filter((r) => r.id !== 'DockerHub');
    settings.edit({ ...access, standard_registries: [{ id: 'DockerHub', allowed }, ...others] });
  }

  function setCustoms(custom_registries: RegistryAccess['custom_registries']) {
    if (access) settings.edit({ ...access, custom_registries });
  }

  /** The registry typed in the add fields, which then empty; none when no address is typed. */
  function takeTyped(): RegistryAccess['custom_registries'] {
    const typed = address.trim();
    if (!typed) return [];
    setAddress('');
    setFriendlyName('');
    return [{ address: typed, friendly_name: friendlyName.trim(), allowed: true }];
  }

  function add() {
    const typed = takeTyped();
    setAddProblem(
      typed.length ? undefined : 'Type the registry’s address, such as registry.example.com:5000.',
    );
    if (typed.length) setCustoms([...customs, ...typed]);
  }

  /** Saves, with a registry typed but not yet added (Save is what an owner presses last). */
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!access) return;
    setAddProblem(undefined);
    const body = { ...access, custom_registries: [...customs, ...takeTyped()] };
    const rows = body.custom_registries.map((_, index) => `custom_registries.${index}`);
    void settings.save(body, ['enabled', 'standard_registries', ...rows, 'custom_registries']);
  }

  /** Enter in an add field adds the registry rather than saving the form. */
  function addOnEnter(event: KeyboardEvent) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Registry Access Management</h2>
      <p className="hint">
        When it is on, Docker Desktop lets members signed in to it pull from and push to only the registries
        allowed below. Docker Desktop enforces it; tokenhub only stores it.
      </p>
      {settings.load.status === 'error' ? <ErrorAlert message={settings.load.error} /> : null}
      {!access && settings.load.status === 'loading' ? <p role="status">Loading…</p> : null}
      {access ? (
        <form className="form" onSubmit={submit} noValidate>
          {settings.error ? <ErrorAlert message={settings.error} /> : null}
          <Check
            id={`${id}-enabled`}
            checked={access.enabled}
            disabled={!owner}
            onChecked={(enabled) => settings.edit({ ...access, enabled })}
          >
            Limit the registries Docker Desktop may reach
          </Check>
          <Check id={`${id}-hub`} checked={dockerHub} disabled={!owner} onChecked={setDockerHub}>
            Allow {standardRegistryNames.DockerHub}
          </Check>
          {settings.problems.standard_registries ? (
            <p className="field-error">{settings.problems.standard_registries}</p>
          ) : null}
          <h3 id={`${id}-custom`}>Custom registries</h3>
          {customs.length === 0 ? <p className="muted">No custom registry.</p> : null}
          {customs.length > 0 ? (
            <div className="table-wrap">
              <table className="data-table compact responsive" aria-labelledby={`${id}-custom`}>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">Friendly name</th>
                    <th scope="col">Access</th>
                    {owner ? (
                      <th scope="col">
                        <span className="visually-hidden">Remove</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {customs.map((registry, index) => {
                    const problem = settings.problems[`custom_registries.${index}`];
                    return (
                      // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, and an address may repeat until saved.
                      <tr key={index} data-testid="custom-registry-row">
                        <td className="registry-address" data-label="Address">
                          <span className="mono">{registry.address}</span>
                          {problem ? (
                            <p className="field-error" id={`${id}-row-${index}`}>
                              {problem}
                            </p>
                          ) : null}
                        </td>
                        <td data-label="Friendly name">{registry.friendly_name}</td>
                        <td data-label="Access">
                          {owner ? (
                            <label className="nowrap">
                              <input
                                type="checkbox"
                                aria-label={`Allowed: ${registry.address}`}
                                checked={registry.allowed}
                                aria-describedby={problem ? `${id}-row-${index}` : undefined}
                                onChange={(event) =>
                                  setCustoms(
                                    customs.map((r, i) =>
                                      i === index ? { ...r, allowed: event.target.checked } : r,
                                    ),
                                  )
                                }
                              />{' '}
                              Allowed
                            </label>
                          ) : registry.allowed ? (
                            'Allowed'
                          ) : (
                            'Denied'
                          )}
                        </td>
                        {owner ? (
                          <td className="actions-cell">
                            <button
                              type="button"
                              className="button small"
                              aria-label={`Remove ${registry.address}`}
                              onClick={() => setCustoms(customs.filter((_, i) => i !== index))}
                            >
                              Remove
                            </button>
                          </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : null}
          {settings.problems.custom_registries ? (
            <p className="field-error">{settings.problems.custom_registries}</p>
          ) : null}
          {owner ? (
            <div className="form inline">
              <FormField
                id={`${id}-address`}
                label="Registry address"
                value={address}
                onValue={setAddress}
                placeholder="registry.example.com:5000"
                problem={addProblem}
                onKeyDown={addOnEnter}
              />
              <FormField
                id={`${id}-name`}
                label="Friendly name"
                value={friendlyName}
                onValue={setFriendlyName}
                onKeyDown={addOnEnter}
              />
              <button type="button" className="button" onClick={add}>
                Add registry
              </button>
            </div>
          ) : null}
          <SaveRow
            owner={owner}
            busy={settings.busy}
            saved={settings.saved ? 'Registry access settings saved.' : undefined}
          />
        </form>
      ) : null}
    </section>
  );
}

/**
 * The parts of the organization settings forms (pages/org-settings.page.tsx): load, edit and save
 * one group of settings, a checkbox that is read-only for members, and the Save row.
 */
import { type ReactNode, useState } from 'react';
import { api } from '../api/client.ts';
import { useLoad } from '../lib/use-load.ts';
import { useRefusals } from './form-field.tsx';

export const settingsPath = (org: string, rest = '') => `/v2/orgs/${encodeURIComponent(org)}/settings${rest}`;

/**
 * One settings form: what the server has, the owner's unsaved changes (`edit`), and `save`, which
 * PUTs `body` and keeps the server's answer. A refusal's messages go to the fields in `shown` (the
 * API's names, the first that matches; `problems`), the rest to `error`.
 */
export function useSettingsForm<T>(path: string) {
  const [load] = useLoad(() => api<T>('GET', path), [path]);
  const [draft, setDraft] = useState<T>();
  const [saved, setSaved] = useState(false);
  const { busy, error, problems, attempt } = useRefusals();

  function edit(next: T) {
    setDraft(next);
    setSaved(false);
  }

  async function save(body: T, shown: readonly string[]) {
    setSaved(false);
    setDraft(body);
    await attempt(
      async () => {
        setDraft(await api<T>('PUT', path, { body }));
        setSaved(true);
      },
      { shown },
    );
  }

  return { load, form: draft ?? load.data, edit, save, problems, error, saved, busy };
}

/** A checkbox with its label and a hint after it; read-only for those who may not change it. */
export function Check(props: {
  id: string;
  checked: boolean;
  disabled: boolean;
  onChecked(checked: boolean): void;
  children: ReactNode;
}) {
  return (
    <div className="checkbox-field">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChecked(event.target.checked)}
      />
      <label htmlFor={props.id}>{props.children}</label>
    </div>
  );
}

/** The end of a settings form: its confirmation, and Save for those who may change it. */
export function SaveRow(props: { owner: boolean; busy: boolean; saved: string | undefined }) {
  return (
    <>
      <p role="status" aria-live="polite" className={props.saved ? 'alert alert-success' : 'visually-hidden'}>
        {props.saved ?? ''}
      </p>
      {props.owner ? (
        <div className="dialog-actions">
          <button type="submit" className="button primary" disabled={props.busy}>
            {props.busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      ) : null}
    </>
  );
}

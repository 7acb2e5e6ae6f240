/**
 * A labelled input with its message underneath: the API's field message when the last attempt
 * was refused (`aria-invalid`, announced with the input), else an optional hint.
 */
import { type InputHTMLAttributes, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { inWords } from '../lib/field-words.ts';

export interface FormFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange'> {
  id: string;
  label: string;
  value: string;
  onValue(value: string): void;
  /** The message to show beside the field (a refused attempt), if any. */
  problem?: string | undefined;
  hint?: string;
}

export function FormField({ id, label, value, onValue, problem, hint, ...input }: FormFieldProps) {
  const describedBy = problem || hint ? `${id}-message` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        {...input}
        id={id}
        value={value}
        onChange={(event) => onValue(event.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy}
      />
      {describedBy ? (
        <p id={describedBy} className={problem ? 'field-error' : 'hint'}>
          {problem ?? hint}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Splits a refusal into the messages of the fields a form shows (`shown`, the API's field names),
 * each a sentence in the label's words (lib/field-words.ts), and a banner for the rest: messages
 * about fields the form does not show, or a refusal that names no field. A message is shown once.
 */
export function refusalOf(
  caught: unknown,
  shown: readonly string[],
): { fields: Record<string, string>; banner?: string } {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  if (caught instanceof ApiError) {
    for (const [name, messages] of Object.entries(caught.fields)) {
      const text = messages.map((message) => inWords(name, message)).join(' ');
      if (!text) continue;
      // `resources.0.path` belongs to the form's `resources` field.
      const field = shown.find((s) => name === s || name.startsWith(`${s}.`));
      if (field) fields[field] = fields[field] ? `${fields[field]} ${text}` : text;
      else rest.push(text);
    }
  }
  if (rest.length) return { fields, banner: rest.join(' ') };
  if (Object.keys(fields).length) return { fields };
  return { fields, banner: caught instanceof Error ? caught.message : String(caught) };
}

/**
 * The state of a form whose refusals are said under its fields: `busy`, the banner (`error`) and
 * each shown field's message (`problems`, set directly for checks made before sending).
 * `attempt(work)` clears them, runs `work`, and splits a refusal with {@link refusalOf} (over
 * `options.shown` when the fields on screen change, else `shown`); with `keepBusy` a success leaves
 * the form busy (it is about to be replaced).
 * @returns from `attempt`: whether `work` succeeded.
 */
export function useRefusals(shown: readonly string[] = []) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [problems, setProblems] = useState<Record<string, string>>({});

  async function attempt(
    work: () => Promise<void>,
    options: { keepBusy?: boolean; shown?: readonly string[] } = {},
  ): Promise<boolean> {
    setBusy(true);
    setError(undefined);
    setProblems({});
    try {
      await work();
      if (!options.keepBusy) setBusy(false);
      return true;
    } catch (caught) {
      const refusal = refusalOf(caught, options.shown ?? shown);
      setProblems(refusal.fields);
      setError(refusal.banner);
      setBusy(false);
      return false;
    }
  }

  return { busy, error, problems, setError, setProblems, attempt };
}

/** A base32 key in groups of four (`ABCD EFGH …`), easier to type into an authenticator. */
export function groupsOfFour(key: string): string {
  return key.replace(/(.{4})(?=.)/g, '$1 ');
}

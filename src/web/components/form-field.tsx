/**
 * A labelled input with its message underneath: the API's field message when the last attempt
 * was refused (`aria-invalid`, announced with the input), else an optional hint.
 */
import type { InputHTMLAttributes } from 'react';
import { ApiError } from '../api/client.ts';

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
 * Splits a refusal into messages per field (shown beside the fields, named by the API's field
 * names) and the rest (shown above the form). A refusal that names fields shows no banner.
 */
export function refusalOf(caught: unknown): { fields: Record<string, string>; banner?: string } {
  const fields: Record<string, string> = {};
  if (caught instanceof ApiError) {
    for (const [name, messages] of Object.entries(caught.fields)) {
      if (messages.length) fields[name] = sentence(messages.join(' '));
    }
  }
  if (Object.keys(fields).length) return { fields };
  return { fields, banner: caught instanceof Error ? caught.message : String(caught) };
}

/** `the password is incorrect` → `The password is incorrect.` */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** A base32 key in groups of four (`ABCD EFGH …`), easier to type into an authenticator. */
export function groupsOfFour(key: string): string {
  return key.replace(/(.{4})(?=.)/g, '$1 ');
}

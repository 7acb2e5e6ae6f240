/**
 * A card that creates something named in the one namespace of users, organizations and companies:
 * a name field (lowercased on the way), its refusal under it in words, the rest in the page's
 * banner. `create` does the request and moves on (to the new page, with its notice).
 */
import { type FormEvent, useState } from 'react';
import { FormField, refusalOf } from './form-field.tsx';

export interface CreateByNameCardProps {
  /** Prefix of the element ids (`<id>-title`, `<id>-name`). */
  id: string;
  title: string;
  hint: string;
  submitLabel: string;
  create(name: string): Promise<void>;
  /** What the page's banner shows of a refusal (undefined clears it). */
  onBanner(message: string | undefined): void;
}

export function CreateByNameCard({ id, title, hint, submitLabel, create, onBanner }: CreateByNameCardProps) {
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    onBanner(undefined);
    setProblem(undefined);
    try {
      await create(name.trim().toLowerCase());
    } catch (caught) {
      const refusal = refusalOf(caught, ['name']);
      setProblem(refusal.fields.name);
      onBanner(refusal.banner);
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <form onSubmit={submit} className="form">
        <FormField
          id={`${id}-name`}
          label="Name"
          value={name}
          autoCapitalize="none"
          onValue={setName}
          problem={problem}
          hint={hint}
          required
        />
        <button type="submit" className="button primary" disabled={busy}>
          {submitLabel}
        </button>
      </form>
    </section>
  );
}

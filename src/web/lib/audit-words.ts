/**
 * What an audit event changed, in words, from its action and `data` (Docker's text values; lists
 * are their JSON): `renamed from “ci” to “ci-2”`, `deactivated`, `level from Read-only to Read &
 * Write`, `role from member to owner`, `tier from team to business`. Fields an event only names
 * (`changed`) read "changed the description". Empty when the data says nothing more.
 */
import { scopeLabel } from './token-logic.ts';

/** What a field listed in `changed` is, when the event carries no old and new value for it. */
const fieldWords: Record<string, string> = {
  label: 'the description',
  token_label: 'the description',
  name: 'the name',
  description: 'the description',
  full_description: 'the full description',
  is_active: 'the status (activated or deactivated)',
  scopes: 'the permission level',
  resources: 'the repositories and scopes',
  allowed_cidrs: 'the allowed networks',
};

/** What a plain `from`/`to` pair is about, by action; unnamed ones read "from a to b". */
const fromToWords: Record<string, string> = {
  'org.tier.change': 'tier ',
  'org.member.role.change': 'role ',
};

/** Actions whose `from`/`to` pair is a rename. */
const renames = new Set(['company.rename']);

const quoted = (text: string) => `“${text}”`;

/** A list value: its JSON (`["label","is_active"]`), or words separated by commas or spaces. */
function listOf(value: string): string[] {
  if (value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON after all: read it as words.
    }
  }
  return value.split(/[,\s]+/).filter(Boolean);
}

function joinWords(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export interface DescribedEvent {
  action: string;
  data?: Record<string, string>;
}

export function describeEvent({ action, data }: DescribedEvent): string {
  if (!data) return '';
  const parts: string[] = [];
  /** Fields said with their values, left out of "changed …". */
  const said = new Set<string>();
  const rename = (from: string | undefined, to: string | undefined, field: string) => {
    if (from === undefined || to === undefined) return;
    parts.push(`renamed from ${quoted(from)} to ${quoted(to)}`);
    said.add(field);
  };
  if (data.from !== undefined && data.to !== undefined) {
    if (renames.has(action)) rename(data.from, data.to, 'name');
    else parts.push(`${fromToWords[action] ?? ''}from ${data.from} to ${data.to}`);
  }
  rename(data.label_from, data.label_to, 'label');
  rename(data.name_from, data.name_to, 'name');
  if (data.status === 'deactivated' || data.status === 'reactivated') {
    parts.push(data.status);
    said.add('is_active');
  }
  if (data.scope_from !== undefined && data.scope_to !== undefined) {
    parts.push(`level from ${scopeLabel(listOf(data.scope_from))} to ${scopeLabel(listOf(data.scope_to))}`);
    said.add('scopes');
  }
  if (action === 'repo.change_privacy' && data.is_private !== undefined) {
    parts.push(data.is_private === 'true' ? 'made private' : 'made public');
  }
  if (action === 'org.settings.update' && data.setting && data.enabled !== undefined) {
    parts.push(`turned ${data.enabled === 'true' ? 'on' : 'off'} ${data.setting.replaceAll('_', ' ')}`);
  }
  if (data.changed) {
    const fields = [
      ...new Set(
        listOf(data.changed)
          .filter((field) => !said.has(field))
          .map((field) => fieldWords[field] ?? field.replaceAll('_', ' ')),
      ),
    ];
    if (fields.length) parts.push(`changed ${joinWords(fields)}`);
  }
  return parts.join('; ');
}

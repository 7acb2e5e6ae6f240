/**
 * What an audit event changed, in words, from its `data` (Docker's text values): "from free to
 * team", "changed the description and status". Empty when the data says nothing more.
 */
const fieldWords: Record<string, string> = {
  label: 'the description',
  token_label: 'the description',
  description: 'the description',
  is_active: 'the status (activated or deactivated)',
  scopes: 'the permission level',
  resources: 'the repositories and scopes',
};

export function describeEventData(data: Record<string, string> | undefined): string {
  if (!data) return '';
  const parts: string[] = [];
  if (data.from !== undefined && data.to !== undefined) parts.push(`from ${data.from} to ${data.to}`);
  if (data.changed) {
    const fields = data.changed
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((field) => fieldWords[field] ?? field.replaceAll('_', ' '));
    if (fields.length) {
      const list = fields.length === 1 ? fields[0] : `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)}`;
      parts.push(`changed ${list}`);
    }
  }
  return parts.join('; ');
}

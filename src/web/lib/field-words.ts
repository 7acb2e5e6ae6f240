/**
 * The API's field names in the words of the console's labels, for every form in one table: a
 * refusal reads "The access token description must be at most 100 characters." where the API says
 * `token_label must be at most 100 characters`. A nested name (`rulesets.0.subject`) is said by its
 * last known part; a name missing here is said as "this field".
 */
const fieldWords: Readonly<Record<string, string>> = {
  token_label: 'the access token description',
  description: 'the description',
  label: 'the label',
  expires_at: 'the expiration date',
  scopes: 'the permissions',
  resources: 'the repositories',
  allowed_cidrs: 'the allowed networks',
  username: 'the username',
  password: 'the password',
  current_password: 'the current password',
  new_password: 'the new password',
  email: 'the email address',
  code: 'the code',
  user_code: 'the code',
  name: 'the name',
  invitee: 'the username or email',
  invitees: 'the usernames or emails',
  member: 'the username',
  owner: 'the owner',
  repo: 'the repository',
  team: 'the group',
  issuer: 'the issuer',
  audience: 'the audience',
  rulesets: 'the rulesets',
  subject: 'the subject pattern',
  token_ttl_seconds: 'the token lifetime',
  pat_max_lifetime_days: 'the personal access token lifetime',
  oat_max_lifetime_days: 'the organization access token lifetime',
  restricted_images: 'the image access settings',
  allow_official_images: 'the Docker Official Images choice',
  allow_verified_publishers: 'the Verified Publisher images choice',
  standard_registries: 'the standard registries',
  custom_registries: 'the custom registries',
  address: 'the registry address',
  friendly_name: 'the friendly name',
  body: 'the form',
};

/** `token_label` → `the access token description`; `rulesets.0.subject` → `the subject pattern`. */
export function fieldInWords(field: string): string {
  const parts = field.split('.').reverse();
  for (const part of parts) {
    const words = fieldWords[part];
    if (words) return words;
  }
  return 'this field';
}

/**
 * One of the API's messages about `field` as a sentence in the label's words: the field's API
 * name at the start is replaced, the first letter capitalized, a full stop added.
 * @example inWords('expires_at', 'expires_at must be in the future') // 'The expiration date must be in the future.'
 */
export function inWords(field: string, message: string): string {
  const trimmed = message.trim();
  const named = trimmed.startsWith(`${field} `) || trimmed.startsWith(`${field}:`);
  const text = named ? `${fieldInWords(field)}${trimmed.slice(field.length)}` : trimmed;
  return sentence(text);
}

/** `the password is incorrect` → `The password is incorrect.` */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

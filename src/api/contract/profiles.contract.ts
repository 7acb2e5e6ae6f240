/**
 * Accounts in Docker Hub's older shapes (Docker's `user` schema): the signed-in user (`GET
 * /v2/user/`), a public profile (`GET /v2/users/{name}/`), the organizations of the signed-in user
 * (`GET /v2/user/orgs`) and an account's plan (`GET /api/billing/v4/accounts/{id}/hub-plan`, which
 * hub-tool's `account info` reads). tokenhub keeps no names, locations, companies or avatars: those
 * fields are present and empty.
 */
import { type Static, Type } from 'typebox';
import { nullableString } from './common.contract.ts';

const kept = (description: string) => Type.String({ description });
const unkept = () => Type.String({ description: 'Always "": tokenhub keeps no such profile data.' });

/** The profile fields of Docker's `user` schema, shared by users and organizations. */
export const profileProperties = {
  id: kept('The account id.'),
  full_name: unkept(),
  location: unkept(),
  company: unkept(),
  gravatar_email: unkept(),
  gravatar_url: unkept(),
  profile_url: unkept(),
  date_joined: Type.String({ format: 'date-time', description: 'When the account was created.' }),
  type: Type.Union([Type.Literal('User'), Type.Literal('Org')]),
};

export const publicProfileObject = Type.Object({
  ...profileProperties,
  username: kept('The username, or the organization name.'),
});
export type PublicProfileObject = Static<typeof publicProfileObject>;

export const currentUserObject = Type.Object({
  ...profileProperties,
  username: Type.String(),
  email: kept('tokenhub extension: the account address.'),
  is_admin: Type.Boolean({ description: 'tokenhub extension: instance administrator.' }),
});
export type CurrentUserObject = Static<typeof currentUserObject>;

export const accountOrgObject = Type.Object({
  ...profileProperties,
  orgname: Type.String(),
  role: Type.Union([Type.Literal('Owner'), Type.Literal('Editor'), Type.Literal('Member')], {
    description: "tokenhub extension: the signed-in account's role there.",
  }),
  tier: Type.String({ description: 'tokenhub extension: free, team or business.' }),
});
export type AccountOrgObject = Static<typeof accountOrgObject>;

export const accountOrgPage = Type.Object({
  count: Type.Integer(),
  next: nullableString,
  previous: nullableString,
  results: Type.Array(accountOrgObject),
});

/** hub-tool shows 9999 as "unlimited". */
export const unlimited = 9999;

export const hubPlanObject = Type.Object({
  name: Type.String({ description: "An organization's tier (free, team, business); personal for a user." }),
  legacy: Type.Boolean(),
  seats: Type.Integer({ description: `${unlimited}: tokenhub does not limit it.` }),
  private_repos: Type.Integer({ description: `${unlimited}: tokenhub does not limit it.` }),
  teams: Type.Integer({ description: `${unlimited}: tokenhub does not limit it.` }),
  collaborators: Type.Integer({ description: `${unlimited}: tokenhub does not limit it.` }),
  parallel_builds: Type.Integer({ description: '0: tokenhub runs no builds.' }),
  duration: Type.String({ description: 'Always "": a plan here is not billed.' }),
});
export type HubPlanObject = Static<typeof hubPlanObject>;

export const accountIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const profileParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) });

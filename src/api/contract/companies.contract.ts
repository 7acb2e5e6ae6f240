/**
 * Companies above organizations (a tokenhub extension under `/v2/companies/{name}`): the company,
 * its owners, its organizations, and the company-wide views of members and access tokens.
 */
import { type Static, Type } from 'typebox';
import { nullableString } from './common.contract.ts';
import { orgTier } from './orgs.contract.ts';

/** No control characters (PostgreSQL refuses NUL in text): a clear 400 instead of a failed query. */
const printable = '^[^\\u0000-\\u001f\\u007f]*$';
const pathName = Type.String({ minLength: 1, maxLength: 64, pattern: printable });

export const companyParams = Type.Object({ name: pathName });
export const companyOwnerParams = Type.Object({ name: pathName, username: pathName });
export const companyOrgParams = Type.Object({ name: pathName, org: pathName });

export const companyObject = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'Shares one space of names with users and organizations.' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export type CompanyObject = Static<typeof companyObject>;
export const companyList = Type.Object({ results: Type.Array(companyObject) });

export const companyCreateBody = Type.Object({
  name: Type.String({ maxLength: 256, pattern: printable, description: 'Name rules as for usernames.' }),
});
export const companyRenameBody = companyCreateBody;

export const companyOwnerBody = Type.Object({
  owner: Type.String({
    minLength: 1,
    maxLength: 320,
    pattern: printable,
    description: 'A username or an email address.',
  }),
});

export const companyOwnerObject = Type.Object({
  username: Type.String(),
  email: Type.String(),
  created_at: Type.String({ format: 'date-time', description: 'When they became an owner.' }),
});
export type CompanyOwnerObject = Static<typeof companyOwnerObject>;
export const companyOwnerList = Type.Object({ results: Type.Array(companyOwnerObject) });

export const companyOrgObject = Type.Object({
  name: Type.String(),
  tier: orgTier,
  member_count: Type.Integer(),
  access_tokens: Type.Object(
    { count: Type.Integer(), limit: Type.Integer() },
    { description: 'Organization access tokens held (expired and inactive count) and the tier limit.' },
  ),
  added_at: Type.String({ format: 'date-time', description: 'When it joined the company.' }),
});
export type CompanyOrgObject = Static<typeof companyOrgObject>;
export const companyOrgList = Type.Object({ results: Type.Array(companyOrgObject) });

export const companyMemberObject = Type.Object({
  username: Type.String(),
  email: Type.String(),
  organizations: Type.Array(
    Type.Object({
      name: Type.String(),
      role: Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('member')]),
    }),
  ),
});
export type CompanyMemberObject = Static<typeof companyMemberObject>;
export const companyMemberList = Type.Object({ results: Type.Array(companyMemberObject) });

export const companyTokenObject = Type.Object({
  org: Type.String({ description: 'The organization the token belongs to.' }),
  id: Type.String({ format: 'uuid' }),
  label: Type.String(),
  description: Type.String(),
  created_by: Type.String(),
  is_active: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('expired')]),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: nullableString,
  last_used_at: nullableString,
});
export type CompanyTokenObject = Static<typeof companyTokenObject>;
export const companyTokenList = Type.Object({ results: Type.Array(companyTokenObject) });

/**
 * Companies, with no I/O: a company groups organizations (Docker's "company" above organizations).
 * Its owners act as owners of every organization it holds for organization management — members,
 * groups, invites, access tokens, activity — but get no repository rights from that role: what
 * they may pull or push comes from their own memberships (core/repository-access.ts).
 *
 * A company keeps at least one owner; it may be deleted only when it holds no organization; an
 * organization belongs to at most one company; company, organization and user names share one space.
 */
import type { OrgTier } from './organization-rules.ts';

export interface Company {
  id: string;
  /** Shares one space of names with usernames and organization names. */
  name: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

/** A company owner as the owner list shows them. */
export interface CompanyOwner {
  userId: string;
  username: string;
  email: string;
  /** When they became an owner. */
  createdAt: string;
}

/** An organization of a company, with what the company-wide list shows. */
export interface CompanyOrganization {
  id: string;
  name: string;
  tier: OrgTier;
  memberCount: number;
  /** When it joined the company. */
  addedAt: string;
}

/**
 * The tier an organization needs to join a company, and that an owner needs to create one through
 * the API (Docker: companies are a Business feature). Instance administrators are not bound by it.
 */
export const companyTier: OrgTier = 'business';

/** Token policy rules: lifetimes against caps, the fine-grained rule, and the words naming them. */
import { describe, expect, it } from 'vitest';
import {
  instancePolicyBreach,
  noOrgTokenPolicy,
  orgPolicyBreach,
  outlivesCap,
} from '../../src/core/token-policy.ts';

const createdAt = '2026-01-01T00:00:00.000Z';
const plusDays = (days: number) => new Date(Date.parse(createdAt) + days * 86_400_000).toISOString();

describe('token policies', () => {
  it('a lifetime is expiry minus creation; never expiring outlives every cap', () => {
    expect(outlivesCap({ createdAt, expiresAt: plusDays(30) }, 30)).toBe(false);
    expect(outlivesCap({ createdAt, expiresAt: plusDays(30.01) }, 30)).toBe(true);
    expect(outlivesCap({ createdAt, expiresAt: null }, 366)).toBe(true);
  });

  it('an organization policy names the rule a token breaks', () => {
    const policy = {
      ...noOrgTokenPolicy,
      patMaxLifetimeDays: 30,
      oatMaxLifetimeDays: 7,
      requireFineGrainedPats: true,
    };
    const pat = { kind: 'pat' as const, createdAt, expiresAt: plusDays(90), fineGrained: true };
    expect(orgPolicyBreach(policy, pat)).toBe(
      'personal access tokens may live at most 30 days (this one lives 90 days)',
    );
    expect(orgPolicyBreach(policy, { ...pat, fineGrained: false })).toContain('must be fine-grained');
    expect(orgPolicyBreach(policy, { ...pat, expiresAt: plusDays(30) })).toBeUndefined();
    const oat = { kind: 'oat' as const, createdAt, expiresAt: null, fineGrained: true };
    expect(orgPolicyBreach(policy, oat)).toBe(
      'organization access tokens may live at most 7 days (this one never expires)',
    );
    expect(orgPolicyBreach(noOrgTokenPolicy, { ...pat, fineGrained: false })).toBeUndefined();
  });

  it('the instance cap: 0 is none', () => {
    expect(instancePolicyBreach(0, { createdAt, expiresAt: null })).toBeUndefined();
    expect(instancePolicyBreach(30, { createdAt, expiresAt: null })).toContain('at most 30 days');
  });
});

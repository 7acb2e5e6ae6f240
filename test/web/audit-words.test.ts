import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/web/lib/audit-words.ts';

const pat = 'account.access_token.update';

describe('describeEvent', () => {
  it('says a rename, a (de)activation and a level change with their old and new values', () => {
    expect(
      describeEvent({
        action: pat,
        data: {
          uuid: 'x',
          changed: '["label","is_active"]',
          label_from: 'ci',
          label_to: 'ci-2',
          status: 'deactivated',
        },
      }),
    ).toBe('renamed from “ci” to “ci-2”; deactivated');
    expect(describeEvent({ action: pat, data: { changed: '["is_active"]', status: 'reactivated' } })).toBe(
      'reactivated',
    );
    expect(
      describeEvent({
        action: pat,
        data: { changed: '["scopes"]', scope_from: 'repo:read', scope_to: 'repo:write' },
      }),
    ).toBe('level from Read-only to Read & Write');
  });

  it('names what a plain from/to pair is about by its action', () => {
    expect(describeEvent({ action: 'org.tier.change', data: { from: 'team', to: 'business' } })).toBe(
      'tier from team to business',
    );
    expect(describeEvent({ action: 'org.member.role.change', data: { from: 'member', to: 'owner' } })).toBe(
      'role from member to owner',
    );
    expect(describeEvent({ action: 'company.rename', data: { from: 'Acme', to: 'Acme Inc' } })).toBe(
      'renamed from “Acme” to “Acme Inc”',
    );
    expect(describeEvent({ action: 'something.else', data: { from: 'a', to: 'b' } })).toBe('from a to b');
  });

  it('lists the other changed fields, from their JSON list or from words', () => {
    expect(
      describeEvent({
        action: 'org.access_token.update',
        data: { changed: '["label","description"]', label_from: 'a', label_to: 'b' },
      }),
    ).toBe('renamed from “a” to “b”; changed the description');
    expect(
      describeEvent({
        action: 'org.team.update',
        data: { changed: '["name","description"]', name_from: 'qa', name_to: 'testers', previous_name: 'qa' },
      }),
    ).toBe('renamed from “qa” to “testers”; changed the description');
    // Events recorded before old and new values were kept.
    expect(describeEvent({ action: pat, data: { uuid: 'x', changed: '["label","is_active"]' } })).toBe(
      'changed the description and the status (activated or deactivated)',
    );
    expect(describeEvent({ action: pat, data: { changed: 'scopes, allowed_cidrs' } })).toBe(
      'changed the permission level and the allowed networks',
    );
    expect(describeEvent({ action: pat, data: { changed: '[]' } })).toBe('');
  });

  it('says privacy and setting changes, and nothing when the data says nothing more', () => {
    expect(describeEvent({ action: 'repo.change_privacy', data: { is_private: 'true' } })).toBe(
      'made private',
    );
    expect(
      describeEvent({
        action: 'org.settings.update',
        data: { setting: 'restricted_images', enabled: 'false' },
      }),
    ).toBe('turned off restricted images');
    expect(describeEvent({ action: pat, data: { uuid: 'x' } })).toBe('');
    expect(describeEvent({ action: pat })).toBe('');
  });
});

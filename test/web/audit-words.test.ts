import { describe, expect, it } from 'vitest';
import { describeEventData } from '../../src/web/lib/audit-words.ts';

describe('describeEventData', () => {
  it('says what changed, in words', () => {
    expect(describeEventData({ from: 'free', to: 'team' })).toBe('from free to team');
    expect(describeEventData({ uuid: 'x', changed: 'label,is_active' })).toBe(
      'changed the description and the status (activated or deactivated)',
    );
    expect(describeEventData({ changed: 'scopes' })).toBe('changed the permission level');
    expect(describeEventData({ uuid: 'x' })).toBe('');
    expect(describeEventData(undefined)).toBe('');
  });
});

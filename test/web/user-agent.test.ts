import { describe, expect, it } from 'vitest';
import { clientName } from '../../src/web/lib/user-agent.ts';

describe('clientName', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome on Linux',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15',
      'Safari on macOS',
    ],
    ['Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox on Windows'],
    ['tokenhub-cli/0.1.0 (node 24.1.0; linux)', 'tokenhub CLI 0.1.0'],
    ['docker/28.0.1 go/go1.23.6 git-commit/bea4de2 kernel/6.1.0 os/linux arch/amd64', 'docker 28.0.1'],
    ['curl/8.5.0', 'curl 8.5.0'],
    ['', 'unknown client'],
    ['Go-http-client/1.1', 'Go-http-client/1.1'],
  ])('%s → %s', (ua, name) => {
    expect(clientName(ua)).toBe(name);
  });
});

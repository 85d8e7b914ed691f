import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from './security';

describe('external links from the window', () => {
  it('opens only allow-listed https pages', () => {
    expect(isAllowedExternalUrl('https://github.com/HKUDS/ClawTeam')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/HKUDS/ClawTeam/issues?q=1')).toBe(true);
  });

  it('refuses everything else: other sites, look-alike prefixes, http, credentials, file and custom schemes', () => {
    for (const url of [
      'https://evil.example/',
      'https://github.com/HKUDS/ClawTeamEvil',
      'https://github.com.evil.example/HKUDS/ClawTeam',
      'http://github.com/HKUDS/ClawTeam',
      'https://user:pw@github.com/HKUDS/ClawTeam',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });
});

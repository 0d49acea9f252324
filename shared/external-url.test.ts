import { describe, expect, it } from 'vitest';
import { isLoopbackHttpUrl, isSafeExternalUrl } from './external-url';

describe('isSafeExternalUrl', () => {
  it.each([
    'https://app.globus.org/activity',
    'https://auth.globus.org/v2/oauth2/authorize?client_id=x&state=y',
    'https://docs.globus.org/api/transfer/',
  ])('accepts %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it.each([
    ['http, not https', 'http://app.globus.org/'],
    ['file URL', 'file:///etc/passwd'],
    ['javascript URL', 'javascript:alert(1)'],
    ['data URL', 'data:text/html,<script>1</script>'],
    ['custom protocol', 'app://ferry/index.html'],
    ['smb share', 'smb://server/share'],
    ['credentials in URL', 'https://user:pw@evil.example/'],
    ['username only', 'https://user@evil.example/'],
    ['whitespace', 'https://app.globus.org/ x'],
    ['newline', 'https://app.globus.org/\n'],
    ['relative', '/activity'],
    ['empty', ''],
    ['too long', `https://a.example/${'x'.repeat(5000)}`],
  ])('refuses %s', (_why, url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isSafeExternalUrl(undefined)).toBe(false);
    expect(isSafeExternalUrl({ href: 'https://app.globus.org' })).toBe(false);
  });
});

describe('isSafeExternalUrl edge cases', () => {
  it.each(['https://app.globus.org:443/x', 'https://[::1]:8443/', 'https://a.example?x=1', 'https://a.example#frag'])('accepts %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });
  it.each(['HTTPS://app.globus.org', 'https://app.globus.org\\@evil.example', 'https://', 'https://-bad.example', 'https://a.example:99999/', 'https://a.example\u0000'])(
    'refuses %s',
    (url) => {
      expect(isSafeExternalUrl(url)).toBe(false);
    },
  );
});

describe('isLoopbackHttpUrl', () => {
  it('accepts loopback http only', () => {
    expect(isLoopbackHttpUrl('http://127.0.0.1:8123/v2/oauth2/authorize?x=1')).toBe(true);
    expect(isLoopbackHttpUrl('http://localhost/x')).toBe(true);
    expect(isLoopbackHttpUrl('http://127.0.0.1.evil.example/')).toBe(false);
    expect(isLoopbackHttpUrl('http://localhost@evil.example/')).toBe(false);
    expect(isLoopbackHttpUrl('https://127.0.0.1/')).toBe(false);
    expect(isLoopbackHttpUrl('http://10.0.0.1/')).toBe(false);
  });
});

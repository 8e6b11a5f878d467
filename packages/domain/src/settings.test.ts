import { describe, expect, it } from 'vitest';
import { LOGO_URL_MAX, logoUrlSchema } from './settings.ts';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('a logo', () => {
  it('is an https: URL or a PNG or JPEG data: URL', () => {
    for (const ok of [
      'https://logos.example.test/a.png',
      'HTTPS://logos.example.test/a.png?v=2',
      PNG,
      'data:image/jpeg;base64,/9j/4AAQSkZJRg==',
      'data:image/JPG;base64,/9j/4AAQ',
    ]) {
      expect(logoUrlSchema.safeParse(ok).success, ok).toBe(true);
    }
  });

  it('is never a script, a page, another scheme or a malformed URL', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)//https://x',
      'data:text/html;base64,PHNjcmlwdD4=',
      'data:image/svg+xml;base64,PHN2Zz4=',
      'data:image/png,<svg onload=alert(1)>',
      'http://logos.example.test/a.png',
      'file:///etc/passwd',
      'https://',
      ' https://logos.example.test/a.png',
      '//logos.example.test/a.png',
      '',
    ]) {
      expect(logoUrlSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('has a bounded size', () => {
    const head = 'data:image/png;base64,';
    expect(logoUrlSchema.safeParse(head + 'A'.repeat(LOGO_URL_MAX - head.length)).success).toBe(true);
    expect(logoUrlSchema.safeParse(head + 'A'.repeat(LOGO_URL_MAX - head.length + 1)).success).toBe(false);
  });
});

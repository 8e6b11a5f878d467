import type { User } from 'oidc-client-ts';
import { describe, expect, it } from 'vitest';
import { returnPathOf } from './oidc.ts';

const withState = (state: unknown) => ({ state }) as unknown as User;

describe('where the console goes after the provider sends the person back', () => {
  it('is the page the person started from, with its query', () => {
    expect(returnPathOf(withState({ returnTo: '/exceptions' }))).toBe('/exceptions');
    expect(returnPathOf(withState({ returnTo: '/?year=2025' }))).toBe('/?year=2025');
  });

  it('is never another site, nor the callback again, nor anything unreadable', () => {
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example/path',
      '/\\evil.example/path',
      'javascript:alert(1)',
      '/signin-callback?code=x',
      '',
      42,
      null,
    ]) {
      expect(returnPathOf(withState({ returnTo })), String(returnTo)).toBe('/');
    }
    expect(returnPathOf(withState(undefined))).toBe('/');
    expect(returnPathOf(withState('not an object'))).toBe('/');
  });
});

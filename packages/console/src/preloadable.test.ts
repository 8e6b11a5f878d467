import { createElement as h, Suspense } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type PreloadableScreen, Preloaded, preloadable } from './preloadable.tsx';

const Greeting = ({ name }: { name: string }) => h('p', null, `Hello ${name}`);

/** The screen with its props inside a Suspense whose fallback says Loading, as the shell draws it. */
const page = (screen: PreloadableScreen<{ name: string }>) =>
  renderToString(
    h(
      Suspense,
      { fallback: h('p', null, 'Loading') },
      h(Preloaded<{ name: string }>, { screen, props: { name: 'Ana' } }),
    ),
  );

describe('a preloadable screen', () => {
  it('is drawn at once, never suspending, when its chunk was fetched before its first mount', async () => {
    const screen = preloadable(async () => Greeting);
    await screen.preload();
    expect(screen.loaded).toBe(Greeting);
    // React.lazy alone would suspend here (its own load starts at this first mount): Loading.
    const html = page(screen);
    expect(html).toContain('Hello Ana');
    expect(html).not.toContain('Loading');
  });

  it('suspends, its fallback shown, while its chunk is not in', () => {
    const screen = preloadable(() => new Promise<typeof Greeting>(() => {}));
    expect(page(screen)).toContain('Loading');
    expect(screen.loaded).toBeUndefined();
  });
});

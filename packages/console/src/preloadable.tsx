import { type ComponentType, type LazyExoticComponent, lazy, useState } from 'react';

/**
 * A screen in a chunk of its own that can be fetched ahead (`preload`), drawn at once when it has
 * arrived by the time it mounts (`Preloaded`). `React.lazy` alone suspends on every first mount,
 * even when its chunk is already in: the `Suspense` fallback is shown and React holds the screen
 * back to keep reveals at least 300 ms apart — the close board, whose chunk the shell fetches
 * beside `me`, appeared 300 ms after its data had arrived. A screen whose chunk is not in yet is
 * still lazy (the caller's `Suspense` shows its fallback).
 */
export interface PreloadableScreen<P extends object> {
  preload(): Promise<ComponentType<P>>;
  /** The screen once its chunk is in. */
  loaded?: ComponentType<P>;
  Lazy: LazyExoticComponent<ComponentType<P>>;
}

export function preloadable<P extends object>(load: () => Promise<ComponentType<P>>): PreloadableScreen<P> {
  const screen: PreloadableScreen<P> = {
    preload: () =>
      load().then((component) => {
        screen.loaded = component;
        return component;
      }),
    Lazy: lazy(() => screen.preload().then((component) => ({ default: component }))),
  };
  return screen;
}

/** `screen` with `props`: at once if its chunk is in, else lazily (decided once per mount). */
export function Preloaded<P extends object>({ screen, props }: { screen: PreloadableScreen<P>; props: P }) {
  const [Ready] = useState(() => screen.loaded);
  return Ready ? <Ready {...props} /> : <screen.Lazy {...props} />;
}

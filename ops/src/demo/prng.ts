/**
 * The demo's seeded pseudo-random numbers (mulberry32): the same seed gives the same books on every
 * machine. Integers only: amounts are drawn as minor units and become bigint, never a float.
 */
export interface Rng {
  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number;
  /** An amount in minor units from `min` to `max`, both included. */
  minor(min: number, max: number): bigint;
  pick<T>(items: readonly T[]): T;
  /** True `percent` times in a hundred. */
  chance(percent: number): boolean;
}

export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const int = (min: number, max: number) => min + (next() % (max - min + 1));
  return {
    int,
    minor: (min, max) => BigInt(int(min, max)),
    pick: (items) => items[next() % items.length] as (typeof items)[number],
    chance: (percent) => next() % 100 < percent,
  };
}

/** A stable 32-bit hash of a text (FNV-1a), to seed a generator from a name or a date. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

import { describe, expect, it } from 'vitest';
import { FetchLanes } from './fetch-lanes.ts';

/**
 * The lanes' order, proven by the order things are let through (no timer but the one of the
 * refusal, which is 0 here: refused at once).
 */
const refused = () => new Error('refused');
/** Every promise settled by now has run its callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Enters `key` and records when it is let through. */
function entering(lanes: FetchLanes, key: string, through: string[]) {
  return lanes.enter(key, refused).then((release) => {
    through.push(key);
    return release;
  });
}

describe('fetch lanes', () => {
  it('hold one client to its share, and let another client through past it', async () => {
    const lanes = new FetchLanes(10, { perClient: 2, waitMs: 60_000 });
    const through: string[] = [];
    const a1 = await entering(lanes, 'a', through);
    await entering(lanes, 'a', through);
    const a3 = entering(lanes, 'a', through);
    const b1 = await entering(lanes, 'b', through);
    expect(through).toEqual(['a', 'a', 'b']);
    // The third of a goes when one of a's is answered, not when b's is.
    b1();
    await settle();
    expect(through).toEqual(['a', 'a', 'b']);
    a1();
    await a3;
    expect(through).toEqual(['a', 'a', 'b', 'a']);
  });

  it('serve the clients waiting for the pool in turn, not in the order their fetches came', async () => {
    const lanes = new FetchLanes(2, { perClient: 10, waitMs: 60_000 });
    const through: string[] = [];
    const first = [await entering(lanes, 'a', through), await entering(lanes, 'a', through)];
    // The pool is full: three more of a, then one of b and one of c, wait.
    const waiting = ['a', 'a', 'a', 'b', 'c'].map((key) => entering(lanes, key, through));
    for (const release of first) release();
    await settle();
    expect(through.slice(2)).toEqual(['a', 'b']);
    // Each answer lets the next lane in turn go: c, then a again.
    (await waiting[0])?.();
    await settle();
    expect(through.slice(2)).toEqual(['a', 'b', 'c']);
    (await waiting[3])?.();
    await settle();
    expect(through.slice(2)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('refuse a fetch that may not wait, having taken nothing', async () => {
    const lanes = new FetchLanes(10, { perClient: 1, waitMs: 0 });
    const release = await lanes.enter('a', refused);
    await expect(lanes.enter('a', refused)).rejects.toThrow('refused');
    // b is not refused, and a goes again once its fetch is answered (a release counts once).
    const b = await lanes.enter('b', refused);
    release();
    release();
    const again = await lanes.enter('a', refused);
    await expect(lanes.enter('a', refused)).rejects.toThrow('refused');
    again();
    b();
  });
});

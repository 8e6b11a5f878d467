import { describe, expect, it } from 'vitest';
import { type CachedAccess, cachedAccess, createGatewayCaches, forgetAccess } from './caches.ts';

/** A lookup the test answers when it wants, counting how many were started. */
function lookups() {
  const started: { answer: (a: CachedAccess) => void; refuse: (e: Error) => void }[] = [];
  const resolve = () =>
    new Promise<CachedAccess>((answer, refuse) => {
      started.push({ answer, refuse });
    });
  return { started, resolve };
}

const access = (userId: string) => ({ userId }) as unknown as CachedAccess;

describe('access lookups under way are shared', () => {
  it('requests that miss together share one lookup, and the next one is served from the cache', async () => {
    const caches = createGatewayCaches(60_000);
    const { started, resolve } = lookups();
    const both = Promise.all([cachedAccess(caches, 'p|a', resolve), cachedAccess(caches, 'p|a', resolve)]);
    const other = cachedAccess(caches, 'p|b', resolve);
    expect(started).toHaveLength(2);
    started[0]?.answer(access('a'));
    started[1]?.answer(access('b'));
    expect((await both).map((a) => a.userId)).toEqual(['a', 'a']);
    expect((await other).userId).toBe('b');
    expect((await cachedAccess(caches, 'p|a', resolve)).userId).toBe('a');
    expect(started).toHaveLength(2);
  });

  it('a refusal reaches every request that shared the lookup and is not remembered', async () => {
    const caches = createGatewayCaches(60_000);
    const { started, resolve } = lookups();
    const both = Promise.allSettled([
      cachedAccess(caches, 'p|a', resolve),
      cachedAccess(caches, 'p|a', resolve),
    ]);
    started[0]?.refuse(new Error('FORBIDDEN'));
    expect((await both).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const again = cachedAccess(caches, 'p|a', resolve);
    expect(started).toHaveLength(2);
    started[1]?.answer(access('a'));
    expect((await again).userId).toBe('a');
  });

  it('after a mutation, a request looks up afresh and a lookup begun before is not remembered', async () => {
    const caches = createGatewayCaches(60_000);
    const { started, resolve } = lookups();
    const before = cachedAccess(caches, 'p|a', resolve);
    forgetAccess(caches);
    const after = cachedAccess(caches, 'p|a', resolve);
    expect(started).toHaveLength(2);
    started[0]?.answer(access('old'));
    started[1]?.answer(access('new'));
    expect([(await before).userId, (await after).userId]).toEqual(['old', 'new']);
    expect((await cachedAccess(caches, 'p|a', resolve)).userId).toBe('new');
    expect(started).toHaveLength(2);
  });
});

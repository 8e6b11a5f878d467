import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

let harness: TestStack;

beforeAll(async () => {
  harness = await startTestStack();
});

afterAll(() => harness?.close());

const as = (who: DemoUser, tenant?: string) => harness.as(who, tenant);

const SET = 'mutation($l: String!, $r: String) { updateFirmLocale(locale: $l, reason: $r) { id locale } }';
const READ = '{ me { firm { id locale } } }';

async function localeAs(who: DemoUser, tenant?: string): Promise<string | undefined> {
  const r = await as(who, tenant)<{ me: { firm: { locale: string } } }>(READ);
  expect(r.errors).toBeUndefined();
  return r.data?.me.firm.locale;
}

/** The firm's locale events in the control plane's audit trail, oldest first. */
async function localeEvents() {
  const r = await harness.stack.control.pool.query(
    `SELECT before, after, reason FROM audit_events WHERE action = 'firm.locale_updated' ORDER BY occurred_at, id`,
  );
  return r.rows as { before: unknown; after: unknown; reason: string | null }[];
}

describe("the firm's locale", () => {
  it('is en-US until set, and every member may read it (a client user on their client too)', async () => {
    for (const who of ['admin', 'senior', 'junior'] as const) expect(await localeAs(who)).toBe('en-US');
    expect(await localeAs('client', 'cafe-boquete')).toBe('en-US');
  });

  it('a FirmAdmin sets it, stored canonical (es-pa → es-PA), audited with the before and after', async () => {
    const r = await as('admin')<{ updateFirmLocale: { locale: string } }>(SET, {
      l: 'es-pa',
      r: 'The firm works in Panama',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.updateFirmLocale.locale).toBe('es-PA');
    expect(await localeAs('junior')).toBe('es-PA');
    expect(await localeEvents()).toEqual([
      { before: { locale: 'en-US' }, after: { locale: 'es-PA' }, reason: 'The firm works in Panama' },
    ]);
    // The same locale again: unchanged, nothing recorded.
    const again = await as('admin')<{ updateFirmLocale: { locale: string } }>(SET, { l: 'es-PA' });
    expect(again.data?.updateFirmLocale.locale).toBe('es-PA');
    expect(await localeEvents()).toHaveLength(1);
  });

  it.each([
    ['a malformed tag', 'en_US'],
    ['a tag no formatter supports', 'xx-YY'],
    ['two tags', 'en-US,de-DE'],
    ['an empty one', ' '],
    ['a private-use tag', 'x-cifra'],
    ['another calendar than the books keep', 'es-PA-u-ca-islamic'],
    ['an overlong one', `en-${'a'.repeat(70)}`],
  ])('%s (%s) is refused UNSUPPORTED_LOCALE naming the field, and nothing is written', async (_what, tag) => {
    const events = (await localeEvents()).length;
    const r = await as('admin')(SET, { l: tag });
    expect(codes(r)).toEqual(['UNSUPPORTED_LOCALE']);
    expect(r.errors?.[0]?.extensions?.field).toBe('locale');
    expect(await localeAs('admin')).toBe('es-PA');
    expect(await localeEvents()).toHaveLength(events);
  });

  it('a Senior, a Junior and a client user may not set it (FORBIDDEN), and it stays', async () => {
    for (const [who, tenant] of [['senior'], ['junior'], ['client', 'cafe-boquete']] as const) {
      expect(codes(await as(who, tenant)(SET, { l: 'de-DE' }))).toEqual(['FORBIDDEN']);
    }
    expect(await localeAs('admin')).toBe('es-PA');
  });
});

import { describe, expect, it } from 'vitest';
import { nextOccurrence } from '../src/recurring/read.ts';
import type { TemplateRow } from '../src/recurring/store.ts';

/** Only what the schedule reads of a template. */
const template = (over: Partial<TemplateRow>): TemplateRow =>
  ({
    active: true,
    frequency: 'MONTHLY',
    dayOfMonth: 15,
    startDate: '2026-01-01',
    endDate: null,
    ...over,
  }) as TemplateRow;

describe('a template’s next occurrence', () => {
  it('is the first on or after today', () => {
    expect(nextOccurrence(template({}), '2026-11-26')).toBe('2026-12-15');
    expect(nextOccurrence(template({}), '2026-12-15')).toBe('2026-12-15');
  });

  it('is its first, however far ahead it starts', () => {
    const yearly = template({ frequency: 'YEARLY', startDate: '2030-01-01' });
    expect(nextOccurrence(yearly, '2026-11-26')).toBe('2030-01-15');
    expect(nextOccurrence(template({ startDate: '2099-06-20' }), '2026-11-26')).toBe('2099-07-15');
  });

  it('is found up to 9999-12-31, the last date the books hold, and is none after it', () => {
    expect(nextOccurrence(template({ startDate: '9999-12-01', dayOfMonth: 31 }), '2026-11-26')).toBe(
      '9999-12-31',
    );
    expect(nextOccurrence(template({ startDate: '9999-12-31', dayOfMonth: 1 }), '2026-11-26')).toBeNull();
    expect(nextOccurrence(template({ endDate: '9999-12-31' }), '9999-12-20')).toBeNull();
    expect(nextOccurrence(template({ endDate: '9999-12-31' }), '9999-12-10')).toBe('9999-12-15');
  });

  it('is none once the template has ended or is paused', () => {
    expect(nextOccurrence(template({ endDate: '2026-11-30' }), '2026-11-26')).toBeNull();
    expect(nextOccurrence(template({ active: false }), '2026-11-26')).toBeNull();
  });
});

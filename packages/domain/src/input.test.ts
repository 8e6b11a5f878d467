import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from './errors.ts';
import { findBadArgumentText, parseInput } from './input.ts';

// One spelling of a field, whichever check refuses it (docs/architecture/posting.md, "Bounds on
// input"): within the mutation's `input`, brackets for positions; a list argument's entry by its
// position.

const entry = z.object({
  memo: z.string().max(3).nullish(),
  lines: z.array(z.object({ accountCode: z.string().min(1), taxCode: z.string().min(1).nullish() })).min(1),
});

function fieldOf(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err.details.field;
    throw err;
  }
  return undefined;
}

describe('parseInput', () => {
  it('names a field within the input, in brackets', () => {
    expect(fieldOf(() => parseInput(entry, { lines: [{ accountCode: 'a' }, { accountCode: '' }] }))).toBe(
      'lines[1].accountCode',
    );
    expect(fieldOf(() => parseInput(entry, { memo: 'long', lines: [{ accountCode: 'a' }] }))).toBe('memo');
    expect(fieldOf(() => parseInput(entry, { lines: [] }))).toBe('lines');
    expect(fieldOf(() => parseInput(entry, 'x'))).toBe('input');
  });

  it('names the argument when asked: a list argument, its entries by position', () => {
    expect(fieldOf(() => parseInput(z.array(entry), [{ lines: [{ accountCode: '' }] }], 'input'))).toBe(
      'input[0].lines[0].accountCode',
    );
    expect(fieldOf(() => parseInput(z.array(entry).min(1), [], 'input'))).toBe('input');
    expect(fieldOf(() => parseInput(z.object({ slug: z.string() }), {}, 'firm'))).toBe('firm.slug');
  });
});

describe('findBadArgumentText', () => {
  it('names text within `input` as the services do, another argument by its name', () => {
    expect(findBadArgumentText('input', { lines: [{ memo: 'ok' }, { memo: 'a\u0000' }] })).toEqual({
      field: 'lines[1].memo',
      problem: 'contains a NUL character',
    });
    expect(findBadArgumentText('input', { name: 'b\ud800' })?.field).toBe('name');
    expect(findBadArgumentText('filter', { search: 'a\u0000' })?.field).toBe('filter.search');
    expect(findBadArgumentText('reason', 'a\u0000')?.field).toBe('reason');
    expect(findBadArgumentText('input', { name: 'fine' })).toBeNull();
  });

  it("names a list argument's entry by its position and index", () => {
    expect(findBadArgumentText('input', [{ memo: 'ok' }, { memo: 'ok' }, { memo: 'x\u0000' }])).toEqual({
      field: 'input[2].memo',
      problem: 'contains a NUL character',
      index: 2,
    });
  });
});

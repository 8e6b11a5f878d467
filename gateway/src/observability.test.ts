import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callerRequestId } from './observability.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("a caller's request id", () => {
  it('is kept when it is a sane token of at most 128 characters', () => {
    for (const id of ['my-trace-42', 'a.b_c:d-e', 'x'.repeat(128)]) expect(callerRequestId(id)).toBe(id);
  });

  it('is replaced when it is not, or names a batch item as the batch worker does', () => {
    const item = randomUUID();
    for (const id of [
      undefined,
      '',
      'bad id with spaces',
      'x'.repeat(129),
      `batch-item:${item}`,
      `BATCH-ITEM:${item}`,
      'batch-item:',
    ]) {
      expect(callerRequestId(id)).toMatch(UUID);
    }
    // Only the prefix is the workers': the words elsewhere are the caller's own.
    expect(callerRequestId(`retry-batch-item:${item}`)).toBe(`retry-batch-item:${item}`);
  });
});

import { DomainError } from '@cifra/domain';
import { expect } from 'vitest';

/** The DomainError `p` is refused with (the test fails when it succeeds or throws anything else). */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

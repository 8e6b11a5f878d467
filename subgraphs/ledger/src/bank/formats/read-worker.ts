import { DomainError } from '@cifra/domain';
import type { CsvMapping } from './csv.ts';
import { readStatement, type StatementFile } from './read.ts';
import type { ParsedStatement } from './statement.ts';

/** What the main thread asks of the worker: `readStatement`'s arguments. */
export interface ReadTask {
  file: StatementFile;
  mapping: CsvMapping | null;
  minorUnits: number;
}

/** What the worker answers: the statement read, or the refusal it met (a DomainError, as data). */
export type ReadAnswer =
  | { statement: ParsedStatement }
  | { refusal: { code: DomainError['code']; message: string; details: Record<string, unknown> } };

/**
 * The task a worker of the statements' pool runs (`read-off-thread.ts`): the file read and checked
 * by `readStatement`. A refusal is answered as data, for the main thread to raise as the same
 * DomainError (an Error's class does not survive the thread's boundary); anything else is a bug and
 * is thrown as such.
 */
export default function readInWorker({ file, mapping, minorUnits }: ReadTask): ReadAnswer {
  try {
    return { statement: readStatement(file, mapping, minorUnits) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { refusal: { code: error.code, message: error.message, details: error.details } };
  }
}

import { DomainError } from '@cifra/domain';
import { Piscina } from 'piscina';
import type { CsvMapping } from './csv.ts';
import type { StatementFile } from './read.ts';
import type { ReadAnswer, ReadTask } from './read-worker.ts';
import { checkFileBounds, MAX_STATEMENT_FILE_CHARS, type ParsedStatement } from './statement.ts';

/**
 * The statements' pool: one worker thread, started on the first import and stopped after a minute
 * without one. One is enough to keep the event loop free, and leaves the other cores to the
 * requests; imports beyond it wait their turn in the pool's queue, at most MAX_WAITING of them.
 */
let pool: Piscina | undefined;

/**
 * Files waiting for the worker, at most: each holds up to 2,000,000 characters, and waits behind
 * every one before it (a file of tiny elements takes up to half a second). One more is refused,
 * SERVICE_UNAVAILABLE with a retry hint, rather than kept waiting behind a flood of them.
 */
export const MAX_WAITING = 16;

function statementsPool(): Piscina {
  // The task module beside this one, as it runs: compiled (`.js`) or from the sources (`.ts`).
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  pool ??= new Piscina({
    filename: new URL('./read-boot.mjs', import.meta.url).href,
    workerData: { entry: new URL(`./read-worker${ext}`, import.meta.url).href },
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 60_000,
  });
  return pool;
}

/**
 * `readStatement` in a worker thread, off the subgraph's event loop: a statement file of up to
 * 2,000,000 characters takes the parsers up to 0.7 s (a file of nothing but tiny XML elements), and
 * on the event loop every other request of every client waited that long. Answers what
 * `readStatement` answers and refuses what it refuses, with the same DomainError.
 */
export async function readStatementOffThread(
  file: StatementFile,
  mapping: CsvMapping | null,
  minorUnits: number,
): Promise<ParsedStatement> {
  // A file over the bound is refused here (as the reader refuses it), before it is copied to the
  // worker; every other refusal is the reader's, in its order.
  if (file.fileContent.length > MAX_STATEMENT_FILE_CHARS) checkFileBounds(file.fileContent);
  const readers = statementsPool();
  if (readers.queueSize >= MAX_WAITING) {
    throw new DomainError(
      'SERVICE_UNAVAILABLE',
      `${readers.queueSize} statement files are waiting to be read: retry shortly`,
      { retryAfterSeconds: 1 },
    );
  }
  const task: ReadTask = { file, mapping, minorUnits };
  const answer = (await readers.run(task)) as ReadAnswer;
  if ('refusal' in answer) {
    const { code, message, details } = answer.refusal;
    throw new DomainError(code, message, details);
  }
  return answer.statement;
}

/** Tasks the pool has run (tests). */
export const statementsRead = () => pool?.completed ?? 0;

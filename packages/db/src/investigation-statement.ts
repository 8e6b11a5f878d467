/**
 * What an investigation may run: one query. Its first word, read the way PostgreSQL's lexer reads
 * it (whitespace, `--` line comments and nested block comments skipped, opening parentheses
 * skipped), must be SELECT, WITH, VALUES, TABLE or EXPLAIN — every statement PostgreSQL's grammar
 * begins with one of those is a query, or a data-modifying one — or INSERT, UPDATE, DELETE or
 * MERGE, sent so that the database refuses the write itself (25006, the read-only transaction).
 * Everything else (SET, RESET, DO, CALL, COPY, LOAD, DISCARD …) is refused before it is sent: a
 * `DO` block's `SET work_mem` is a command of its own, out of reach of any privilege. Anything
 * this reader does not understand (an unterminated comment, a quoted first word) is refused too,
 * so a statement it misreads is refused rather than run.
 */
const QUERY_WORDS = new Set([
  'select',
  'with',
  'values',
  'table',
  'explain',
  'insert',
  'update',
  'delete',
  'merge',
]);

/** PostgreSQL's whitespace (scan.l `space`): space, tab, newline, carriage return, form feed, vertical tab. */
const SPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

/** The position after the block comment opening at `start`, nested as PostgreSQL nests them; -1 if unterminated. */
function afterBlockComment(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return -1;
}

/** The statement's first word, lower-cased; null when it does not begin with a plain word. */
export function firstWord(statement: string): string | null {
  let i = 0;
  while (i < statement.length) {
    const ch = statement.charAt(i);
    if (SPACE.has(ch) || ch === '(') i++;
    else if (statement.startsWith('--', i)) {
      while (i < statement.length && statement.charAt(i) !== '\n' && statement.charAt(i) !== '\r') i++;
    } else if (statement.startsWith('/*', i)) {
      i = afterBlockComment(statement, i);
      if (i < 0) return null;
    } else break;
  }
  const word = /^[A-Za-z]+/.exec(statement.slice(i))?.[0];
  if (!word) return null;
  // A word running on into identifier characters (`selectx`, `select$1`) is no keyword.
  const next = statement.charAt(i + word.length);
  if (/[A-Za-z0-9_$\u0080-\uffff]/.test(next)) return null;
  return word.toLowerCase();
}

/** Is `statement` one query an investigation may run (see above)? */
export function isQuery(statement: string): boolean {
  const word = firstWord(statement);
  return word !== null && QUERY_WORDS.has(word);
}

export const NOT_A_QUERY =
  'An investigation runs one query: SELECT, WITH … SELECT, VALUES, TABLE or EXPLAIN (a write is the database’s to refuse). SET, DO, COPY and every other command are refused';

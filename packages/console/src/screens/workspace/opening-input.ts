import type {
  OpeningBalancesInput,
  OpeningItemInput,
  OpeningTrialBalanceLineInput,
} from '../../__generated__/graphql.ts';

/**
 * The opening balances as a person pastes or uploads them, read into the API's
 * `OpeningBalancesInput` without judging them: the API checks every figure (its dry run). Either
 * the input as JSON, or a CSV whose first cell names the row, cells in the input's own field order:
 *
 *     opening,<openingDate>,<clearingAccountCode>,<memo>
 *     account,<accountCode>,<debit>,<credit>,<partyId>
 *     item,<SALES_INVOICE|PURCHASE_INVOICE>,<partyCode>,<number>,<date>,<dueDate>,<currency>,<originalAmount>,<openAmount>,<rate>
 *
 * An empty cell is left out (the API's default applies). Blank lines, lines starting with `#` and a
 * header row whose first cell is `row` are skipped. Amounts stay the strings typed: never a number.
 */
export const CSV_COLUMNS = {
  opening: ['openingDate', 'clearingAccountCode', 'memo'],
  account: ['accountCode', 'debit', 'credit', 'partyId'],
  item: [
    'kind',
    'partyCode',
    'number',
    'date',
    'dueDate',
    'currency',
    'originalAmount',
    'openAmount',
    'rate',
  ],
} as const;

/** Where each line of the input came from: the CSV's line number (1-based), or null for JSON. */
export interface ReadInput {
  input: OpeningBalancesInput;
  accountLines: (number | null)[];
  itemLines: (number | null)[];
}

export type ReadResult =
  | { ok: true; read: ReadInput }
  | { ok: false; problems: { line: number | null; message: string }[] };

export function readOpeningInput(text: string): ReadResult {
  const trimmed = text.trim();
  if (trimmed === '')
    return { ok: false, problems: [{ line: null, message: 'Paste or upload the opening balances first.' }] };
  return trimmed.startsWith('{') ? readJson(trimmed) : readCsv(text);
}

function readJson(text: string): ReadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ line: null, message: `Not valid JSON: ${(e as Error).message}` }] };
  }
  const v = value as Partial<OpeningBalancesInput> | null;
  if (!v || typeof v !== 'object' || Array.isArray(v) || !Array.isArray(v.trialBalance))
    return {
      ok: false,
      problems: [
        {
          line: null,
          message: 'The JSON must be an object with a trialBalance list (OpeningBalancesInput).',
        },
      ],
    };
  const { dryRun: _ignored, ...input } = v as OpeningBalancesInput;
  return {
    ok: true,
    read: {
      input,
      accountLines: input.trialBalance.map(() => null),
      itemLines: (input.openItems ?? []).map(() => null),
    },
  };
}

/** One CSV line's cells: commas separate, double quotes enclose a cell with commas ("" is a quote). */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** The row's cells named by its columns, empty ones left out. */
function named(columns: readonly string[], cells: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  columns.forEach((c, i) => {
    const v = cells[i];
    if (v !== undefined && v !== '') out[c] = v;
  });
  return out;
}

function readCsv(text: string): ReadResult {
  const trialBalance: OpeningTrialBalanceLineInput[] = [];
  const openItems: OpeningItemInput[] = [];
  const accountLines: number[] = [];
  const itemLines: number[] = [];
  const problems: { line: number | null; message: string }[] = [];
  let opening: Record<string, string> | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const [kind = '', ...cells] = csvCells(raw);
    const row = kind.toLowerCase();
    if (row === 'row') return;
    const columns = CSV_COLUMNS[row as keyof typeof CSV_COLUMNS];
    if (!columns) {
      problems.push({ line, message: `A row starts with opening, account or item, not “${kind}”.` });
      return;
    }
    if (cells.length > columns.length)
      problems.push({
        line,
        message: `An ${row} row has at most ${columns.length} cells after its name (${columns.join(', ')}).`,
      });
    const values = named(columns, cells);
    if (row === 'opening') {
      if (opening) problems.push({ line, message: 'The opening row is given twice.' });
      opening = values;
    } else if (row === 'account') {
      trialBalance.push(values as unknown as OpeningTrialBalanceLineInput);
      accountLines.push(line);
    } else {
      openItems.push(values as unknown as OpeningItemInput);
      itemLines.push(line);
    }
  });
  const head = opening as Record<string, string> | null;
  if (!head?.openingDate)
    problems.push({
      line: null,
      message: 'An opening row with the opening date is needed (opening,YYYY-MM-DD,clearing account,memo).',
    });
  if (problems.length > 0) return { ok: false, problems };
  const input: OpeningBalancesInput = {
    openingDate: head!.openingDate!,
    trialBalance,
    ...(openItems.length > 0 ? { openItems } : {}),
    ...(head!.clearingAccountCode ? { clearingAccountCode: head!.clearingAccountCode } : {}),
    ...(head!.memo ? { memo: head!.memo } : {}),
  };
  return { ok: true, read: { input, accountLines, itemLines } };
}

/** Where a problem of the API is in what was pasted: the CSV's line, or the input's field. */
export function problemLine(read: ReadInput, p: { index?: number | null; field: string }): string {
  if (p.index === null || p.index === undefined) return 'the whole import';
  const lines = p.field.startsWith('openItems')
    ? read.itemLines
    : p.field.startsWith('trialBalance')
      ? read.accountLines
      : [];
  const line = lines[p.index];
  return line ? `line ${line}` : p.field.replace(/\..*$/, '');
}

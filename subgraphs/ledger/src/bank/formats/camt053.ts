import { formatMoney } from '@cifra/domain';
import {
  checkFileBounds,
  checkLineCount,
  cleanText,
  decimalToMinor,
  formatError,
  type ParsedLine,
  type ParsedStatement,
  parseIsoDateText,
} from './statement.ts';
import { at, parseXml, textOf } from './xml.ts';

/**
 * ISO 20022 `camt.053` (BankToCustomerStatement, any version 001.02–001.13: the elements read here
 * have not moved). One `Stmt` per import; balances OPBD/PRCD (opening; equal when both are given)
 * and CLBD (closing); entries with status BOOK (or none, before version 8), others (PDNG, INFO) are
 * not yet booked.
 */
export function parseCamt053Statement(content: string, minorUnits: number): ParsedStatement {
  checkFileBounds(content);
  const doc = parseXml(content, new Set(['Stmt', 'Bal', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd']));
  const statements = (at(doc, 'Document', 'BkToCstmrStmt', 'Stmt') as unknown[] | undefined) ?? [];
  if (statements.length !== 1) {
    throw formatError(`A camt.053 file is imported with exactly one Stmt; this one has ${statements.length}`);
  }
  const stmt = statements[0];
  const currency = cleanText(textOf(at(stmt, 'Acct', 'Ccy'))) || null;
  const signed = (node: unknown, field: string) => signedAmount(node, field, currency, minorUnits);
  const balances = (at(stmt, 'Bal') as unknown[] | undefined) ?? [];
  const balance = (...codes: string[]) => statementBalance(balances, codes, signed);
  const opening = balance('OPBD', 'PRCD');
  const previous = balance('PRCD');
  // Both stated: the previous statement's closing is this one's opening. Apart, which one the
  // statement starts from would be a guess.
  if (opening && previous && opening.amount !== previous.amount) {
    const f = (m: bigint) => formatMoney(m, minorUnits);
    throw formatError(
      `The statement's opening balance OPBD ${f(opening.amount)} is not the previous closing balance PRCD ${f(previous.amount)} it states`,
      { field: 'Bal[PRCD]' },
    );
  }
  const closing = balance('CLBD');
  if (!opening || !closing)
    throw formatError('The statement needs an opening (OPBD or PRCD) and a closing (CLBD) balance');
  const entries = ((at(stmt, 'Ntry') as unknown[] | undefined) ?? []).filter((e) => {
    const status = textOf(at(e, 'Sts', 'Cd')) ?? textOf(at(e, 'Sts'));
    return !status || status === 'BOOK';
  });
  checkLineCount(entries.length);
  const lines: ParsedLine[] = entries.map((e, i) => {
    const field = `Ntry[${i + 1}]`;
    const amount = signed(e, field);
    if (amount === 0n) throw formatError(`${field}: a zero amount`, { field });
    const tx = at((at(e, 'NtryDtls') as unknown[] | undefined)?.[0], 'TxDtls') as unknown[] | undefined;
    const first = tx?.[0];
    const party = amount > 0n ? at(first, 'RltdPties', 'Dbtr') : at(first, 'RltdPties', 'Cdtr');
    const ustrd = ((at(first, 'RmtInf', 'Ustrd') as unknown[] | undefined) ?? []).map(textOf).join(' ');
    const date =
      textOf(at(e, 'BookgDt', 'Dt')) ?? textOf(at(e, 'BookgDt', 'DtTm')) ?? textOf(at(e, 'ValDt', 'Dt'));
    return {
      bookingDate: parseIsoDateText(date ?? '', { field: `${field}.BookgDt` }),
      amountMinor: amount,
      description: cleanText(ustrd || textOf(at(e, 'AddtlNtryInf'))),
      reference: cleanText(
        textOf(at(first, 'Refs', 'EndToEndId')) ??
          textOf(at(e, 'AcctSvcrRef')) ??
          textOf(at(first, 'Refs', 'AcctSvcrRef')) ??
          textOf(at(e, 'NtryRef')),
      ),
      counterparty: cleanText(textOf(at(party, 'Nm')) ?? textOf(at(party, 'Pty', 'Nm'))),
    };
  });
  const from = textOf(at(stmt, 'FrToDt', 'FrDtTm')) ?? textOf(at(stmt, 'FrToDt', 'FrDt')) ?? opening.date;
  const to = textOf(at(stmt, 'FrToDt', 'ToDtTm')) ?? textOf(at(stmt, 'FrToDt', 'ToDt')) ?? closing.date;
  return {
    bankStatementId: cleanText(textOf(at(stmt, 'Id'))) || null,
    currency,
    periodStart: parseIsoDateText(from ?? '', { field: 'FrToDt.FrDtTm' }),
    periodEnd: parseIsoDateText(to ?? '', { field: 'FrToDt.ToDtTm' }),
    openingMinor: opening.amount,
    closingMinor: closing.amount,
    lines,
  };
}

/** An amount and its CdtDbtInd as a signed amount in minor units, in the account's currency. */
function signedAmount(node: unknown, field: string, currency: string | null, minorUnits: number): bigint {
  const amt = at(node, 'Amt');
  const ccy = at(amt, '@Ccy');
  if (currency && typeof ccy === 'string' && ccy !== currency) {
    throw formatError(`${field}: an amount in ${ccy} on a ${currency} account`, { field });
  }
  const text = textOf(amt) ?? '';
  // The amount is unsigned (the schema's minimum is 0) and CdtDbtInd gives the direction: a
  // signed one would be read twice over ("-15.00" DBIT is not +15.00).
  if (/^\s*[+-]/.test(text)) {
    throw formatError(`${field}.Amt: "${cleanText(text).slice(0, 40)}" is signed; CdtDbtInd gives the sign`, {
      field: `${field}.Amt`,
    });
  }
  const minor = decimalToMinor(text, minorUnits, { field: `${field}.Amt` });
  const ind = textOf(at(node, 'CdtDbtInd'));
  if (ind !== 'CRDT' && ind !== 'DBIT') throw formatError(`${field}: CdtDbtInd is CRDT or DBIT`, { field });
  return ind === 'DBIT' ? -minor : minor;
}

/** The statement's balance of the first of `codes` it has, refused if it has one type twice. */
function statementBalance(
  balances: readonly unknown[],
  codes: readonly string[],
  signed: (node: unknown, field: string) => bigint,
): { amount: bigint; date: string | undefined } | null {
  const typed = (code: string) => balances.filter((x) => textOf(at(x, 'Tp', 'CdOrPrtry', 'Cd')) === code);
  // Two balances of one type (two CLBD): which one is the statement's would be a guess.
  for (const code of codes) {
    if (typed(code).length > 1) {
      throw formatError(`The statement has ${typed(code).length} ${code} balances: one is expected`, {
        field: `Bal[${code}]`,
      });
    }
  }
  const b = codes.map((code) => typed(code)[0]).find(Boolean);
  return b
    ? {
        amount: signed(b, `Bal[${textOf(at(b, 'Tp', 'CdOrPrtry', 'Cd'))}]`),
        date: textOf(at(b, 'Dt', 'Dt')) ?? textOf(at(b, 'Dt', 'DtTm')),
      }
    : null;
}

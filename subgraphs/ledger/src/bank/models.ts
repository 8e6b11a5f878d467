import type { BookLine } from './books-store.ts';
import type { MatchRow, RuleRow } from './match-store.ts';
import type { LineWithMatch, StatementRow } from './store.ts';

/** The models behind the bank types (re-exported by ../mappers.ts): rows with their currency's decimals. */
export interface BankAccountModel {
  accountId: string;
  currency: string;
  csvMapping: unknown;
  minorUnits: number;
}
export type BankStatementModel = StatementRow & { currency: string; minorUnits: number };
export type BankStatementLineModel = LineWithMatch & { minorUnits: number; bankAccountId: string };
export type BankBookLineModel = BookLine & { minorUnits: number };
export type BankMatchModel = MatchRow & { minorUnits: number };
export type BankRuleModel = RuleRow;
export interface BankMatchSuggestionModel {
  statementLine: BankStatementLineModel;
  bookLine: BankBookLineModel;
  score: number;
  reasons: ('AMOUNT' | 'SAME_DATE' | 'REFERENCE' | 'PARTY')[];
}
export interface BankReconciliationModel {
  bankAccount: BankAccountModel;
  asOf: string;
  currency: string;
  minorUnits: number;
  bookBalanceMinor: bigint;
  statementBalanceMinor: bigint | null;
  unmatchedStatementLines: BankStatementLineModel[];
  unmatchedBookLines: BankBookLineModel[];
}

// Choosing the rate in force is shared with the ledger (translation at entry): one implementation, in @cifra/fx.
export {
  answerFromRow,
  DOCUMENT_SOURCE,
  type HistoryRow,
  lookupRate,
  OVERRIDE_SOURCE,
  PEG_SOURCE,
  type RateAnswer,
  type RateRow,
  rateHistory,
} from '@cifra/fx';

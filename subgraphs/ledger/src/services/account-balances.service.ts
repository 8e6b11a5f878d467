/** The balance read model lives with the engine, so exports and reports compute balances alike. */
export { type AccountBalance, type AccountType, type BalanceOptions, balancesAsOf } from '@cifra/engine';

export * from './aging-queries.ts';
export * from './balances.ts';
export * from './company.ts';
export * from './held-periods.ts';
export * from './post-each.ts';
export * from './posting-engine.ts';
export * from './reverse-entry.ts';
export * from './scheduled-reversals.ts';

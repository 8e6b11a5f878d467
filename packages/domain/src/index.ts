export * from './calendar.ts';
export * from './currencies.ts';
export * from './errors.ts';
export * from './money.ts';
export * from './periods.ts';
export * from './posting.ts';
export * from './settings.ts';
export * from './templates/panama.ts';

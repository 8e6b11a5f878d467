export * from './client.ts';
export * from './document-rate.ts';
export * from './rates.ts';

export * from './access.ts';
export * from './auth.ts';
export * from './gateway.ts';

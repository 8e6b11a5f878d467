export * from './access.ts';
export * from './audience.ts';
export * from './auth.ts';
export * from './demand-control.ts';
export * from './gateway.ts';
export * from './oauth.ts';
export * from './observability.ts';
export * from './rate-limits.ts';

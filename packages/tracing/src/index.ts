export * from './queries.ts';
export * from './tracing.ts';

export * from './errors.ts';
export * from './http.ts';
export * from './keyset-page.ts';
export * from './logger.ts';
export * from './page-info.ts';
export * from './scalars.ts';
export * from './signed-context.ts';
export * from './subgraph.ts';

export * from './documents.ts';
export * from './implied-guards.ts';
export * from './permissions.ts';
export * from './roles.ts';
export * from './shield.ts';

export * from './company.ts';
export * from './posting-engine.ts';

export * from './formats.ts';
export * from './link.ts';
export * from './stream-export.ts';

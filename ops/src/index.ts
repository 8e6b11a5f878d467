export * from './control-plane.ts';
export * from './demo.ts';
export * from './investigate-console.ts';
export * from './secrets.ts';
export * from './stack.ts';
export * from './worker.ts';

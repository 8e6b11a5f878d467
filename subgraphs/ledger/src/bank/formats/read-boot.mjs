// The statements' pool's worker entry (read-off-thread.ts). A worker thread of Node 20 does not
// inherit the module hooks its process registered (node:module `register`), so this loads the task
// module beside it as the process loads its code: the `read-worker.ts` source through tsx's loader
// in development and the tests; the compiled `read-worker.js` in production, with the workspace
// packages it imports resolved to their compiled `dist/` through the `cifra-compiled` condition, as
// ops/bin/compiled-conditions.mjs has the process resolve them. Plain JavaScript, so that it loads
// the same either way (copied beside the compiled code by scripts/compile.ts).
import { register } from 'node:module';
import { workerData } from 'piscina';

/** The task; a module that cannot load fails each task with its error (never a task left waiting). */
let task;
try {
  if (workerData.entry.endsWith('.ts')) {
    (await import('tsx/esm/api')).register();
  } else {
    const compiled = `export async function resolve(specifier, context, next) {
      return next(specifier, { ...context, conditions: ['cifra-compiled', ...context.conditions] });
    }`;
    register(`data:text/javascript,${encodeURIComponent(compiled)}`);
  }
  task = (await import(workerData.entry)).default;
} catch (error) {
  task = () => {
    throw error;
  };
}

export default task;

/**
 * A module resolution hook (node:module register): workspace packages resolve to their compiled
 * `dist/` through the `cifra-compiled` export condition, as `node --conditions=cifra-compiled` would.
 */
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: ['cifra-compiled', ...context.conditions] });
}

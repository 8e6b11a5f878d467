import { GraphQLError } from 'graphql';
import { type IMiddlewareGenerator, middleware } from 'graphql-middleware';
import type { IRule } from 'graphql-shield';
import { allow, deny, rule, shield } from 'graphql-shield';
import { contextOnly, impliedGuardTypes } from './implied-guards.ts';
import type { Permission } from './permissions.ts';

/** What a shield rule needs to know about the caller; every subgraph context satisfies it. */
export interface PermissionContext {
  auth: { permissions: ReadonlySet<Permission> } | null;
}

export function forbidden(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', ...extra } });
}

const cache = new Map<Permission, IRule>();

/** The rule for one permission: the caller's signed context must carry it. */
export function can(permission: Permission): IRule {
  let r = cache.get(permission);
  if (!r) {
    r = rule(`can:${permission}`, { cache: 'contextual' })((_parent, _args, ctx: PermissionContext) =>
      ctx.auth?.permissions.has(permission)
        ? true
        : forbidden(`Missing permission ${permission}`, { permission }),
    );
    cache.set(permission, r);
    contextOnly.add(r);
  }
  return r;
}

/** The rule for several permissions, any one of which suffices. */
export function canAny(...permissions: Permission[]): IRule {
  const r = rule(`canAny:${permissions.join('|')}`, { cache: 'contextual' })(
    (_parent, _args, ctx: PermissionContext) =>
      permissions.some((p) => ctx.auth?.permissions.has(p))
        ? true
        : forbidden(`Missing one of the permissions ${permissions.join(', ')}`, { permissions }),
  );
  contextOnly.add(r);
  return r;
}

/** Any signed-in caller (the gateway only forwards authenticated requests, but say so explicitly). */
export const signedIn: IRule = rule('signedIn', { cache: 'contextual' })((_p, _a, ctx: PermissionContext) =>
  ctx.auth ? true : new GraphQLError('Sign in first', { extensions: { code: 'UNAUTHENTICATED' } }),
);
contextOnly.add(signedIn);

export type RuleMap = Record<string, IRule | Record<string, IRule>>;

/**
 * Deny by default: a field without a rule is refused, with FORBIDDEN rather than an internal error.
 * Federation's own plumbing (`_service`, `_entities`) stays reachable or composition and entity
 * resolution break; fields reached through `_entities` are still guarded by their own rules.
 * Types whose every way in already passed their own rule in the same request keep no per-field
 * guard (`impliedGuardTypes`): the rule map still names them, only the redundant wrappers go.
 */
export function buildShield(
  rules: RuleMap,
  /** `false` keeps a guard on every field, as graphql-shield alone does (tests compare the two). */
  { trimImpliedGuards = true }: { trimImpliedGuards?: boolean } = {},
): IMiddlewareGenerator<unknown, unknown, unknown> {
  const query = {
    ...((rules.Query as Record<string, IRule> | undefined) ?? {}),
    _service: allow,
    _entities: allow,
  };
  const tree = { ...rules, Query: query, _Service: allow };
  const guards = shield(tree, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: () => forbidden('Not allowed'),
  });
  if (!trimImpliedGuards) return guards;
  return middleware((schema) => {
    const map = guards.generate(schema) as Record<string, unknown>;
    for (const type of impliedGuardTypes(schema, tree, deny)) delete map[type];
    return map as ReturnType<typeof guards.generate>;
  });
}

export { allow, deny, type IRule, rule };

import { type GraphQLSchema, getNamedType, isAbstractType, isIntrospectionType, isObjectType } from 'graphql';

/**
 * Rules whose answer depends on the request's context alone — the caller's signed permissions — and
 * never on the parent value, the arguments or the path (`can`, `canAny`, `signedIn` in shield.ts).
 * Within one request such a rule answers the same wherever it is asked.
 */
export const contextOnly = new WeakSet<object>();

/** A shield rule of any kind (rules, logic rules, allow and deny): compared by identity only. */
type AnyRule = object;
type RuleTree = Record<string, AnyRule>;

/** The rule shield applies to one field: the type's rule, its field's, its wildcard, or the fallback. */
function ruleOf(tree: RuleTree, type: string, field: string, fallback: AnyRule): AnyRule {
  const r = tree[type];
  if (r === undefined) return fallback;
  if (!isFieldMap(r)) return r;
  return r[field] ?? r['*'] ?? fallback;
}

const isFieldMap = (r: AnyRule): r is Record<string, AnyRule> =>
  Object.getPrototypeOf(r) === Object.prototype;

/**
 * The object types whose fields need no guard of their own, because every way to reach them has
 * already passed the same guard in the same request. A type qualifies when every one of its fields
 * has one context-only rule R, and every field of the schema that returns the type (itself, a list
 * of it, or an interface or union it belongs to) has that same R. Root types never qualify, nor do
 * federation entities (`_entities` reaches them without a parent field) or federation's own types.
 *
 * Why that is safe: follow any path of a response from the root to a field of such a type. The
 * root field is guarded. Walking down, each field returning a qualifying type has rule R, so the
 * last guarded field above is guarded by R too — and R, asked again in the same request, answers
 * as it did. Removing the wrappers changes no answer, only the cost: graphql-shield makes every
 * guarded field asynchronous, which a page of 500 board lines paid 13 times a line.
 */
export function impliedGuardTypes(schema: GraphQLSchema, tree: RuleTree, fallback: AnyRule): Set<string> {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) =>
      t ? [t.name] : [],
    ),
  );
  const entityUnion = schema.getType('_Entity');
  const entities = new Set(
    entityUnion && isAbstractType(entityUnion) ? schema.getPossibleTypes(entityUnion).map((t) => t.name) : [],
  );
  const incoming = new Map<string, Set<AnyRule>>();
  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (t) => isObjectType(t) && !isIntrospectionType(t),
  );
  for (const parent of objectTypes) {
    if (!isObjectType(parent)) continue;
    for (const [name, field] of Object.entries(parent.getFields())) {
      const target = getNamedType(field.type);
      const targets = isObjectType(target)
        ? [target]
        : isAbstractType(target)
          ? schema.getPossibleTypes(target)
          : [];
      const rule = ruleOf(tree, parent.name, name, fallback);
      for (const t of targets) incoming.set(t.name, (incoming.get(t.name) ?? new Set()).add(rule));
    }
  }
  const implied = new Set<string>();
  for (const type of objectTypes) {
    if (!isObjectType(type) || roots.has(type.name) || entities.has(type.name) || type.name.startsWith('_'))
      continue;
    const rules = new Set(Object.keys(type.getFields()).map((f) => ruleOf(tree, type.name, f, fallback)));
    const into = incoming.get(type.name);
    const [only] = rules;
    if (rules.size === 1 && only && contextOnly.has(only) && into?.size === 1 && into.has(only))
      implied.add(type.name);
  }
  return implied;
}

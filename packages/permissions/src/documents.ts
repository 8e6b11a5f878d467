import { createHash } from 'node:crypto';
import {
  buildASTSchema,
  type DocumentNode,
  type GraphQLSchema,
  isObjectType,
  Kind,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { IRule } from 'graphql-shield';
import { isPermission, type Permission } from './permissions.ts';
import type { RuleMap } from './shield.ts';

/**
 * Trusted documents (docs/partners.md): what a published document needs, read from the same rule
 * maps graphql-shield enforces in the subgraphs. A rule is `can:<permission>`, `canAny:<a>|<b>` or
 * `signedIn`; a field without a rule is denied, as the shield denies it.
 */
export type Requirement = { all: Permission[] } | { any: Permission[] } | 'signedIn' | 'denied';

export interface DocumentProblem {
  /** `Type.field`, or null for a problem of the whole document. */
  field: string | null;
  message: string;
  /** The permissions that would allow the field (any one of them for `canAny`). */
  permissions?: Permission[];
}

export const documentIdOf = (document: string) =>
  `sha256:${createHash('sha256').update(document, 'utf8').digest('hex')}`;

function requirementOf(rule: IRule | undefined): Requirement {
  const name = (rule as { name?: string } | undefined)?.name;
  if (!name) return 'denied';
  if (name === 'signedIn') return 'signedIn';
  const [kind, list] = name.split(':', 2);
  const perms = (list ?? '').split('|').filter(isPermission);
  if (kind === 'can' && perms.length === 1) return { all: perms };
  if (kind === 'canAny' && perms.length > 0) return { any: perms };
  return 'denied';
}

export interface SubgraphRules {
  typeDefs: DocumentNode;
  rules: RuleMap;
}

/**
 * Where each field is resolved and what its subgraph's shield asks for it: a subgraph's rule for
 * the field, else its rule for the whole type, else denied. A field several subgraphs define (an
 * entity's key) is allowed when one of them allows it; the shield still guards it at run time.
 */
export class FieldRequirements {
  private readonly owners = new Map<string, RuleMap[]>();

  constructor(subgraphs: readonly SubgraphRules[]) {
    for (const { typeDefs, rules } of subgraphs) {
      for (const def of typeDefs.definitions) {
        if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
        for (const field of def.fields ?? []) {
          const key = `${def.name.value}.${field.name.value}`;
          this.owners.set(key, [...(this.owners.get(key) ?? []), rules]);
        }
      }
    }
  }

  of(typeName: string, fieldName: string): Requirement[] {
    const owners = this.owners.get(`${typeName}.${fieldName}`) ?? [];
    return owners.length ? owners.map((rules) => ruleFor(rules, typeName, fieldName)) : ['denied'];
  }
}

function ruleFor(rules: RuleMap, typeName: string, fieldName: string): Requirement {
  const entry = rules[typeName];
  if (!entry) return 'denied';
  // A plain object maps fields to rules; anything else is one rule for the whole type.
  if (Object.getPrototypeOf(entry) !== Object.prototype) return requirementOf(entry as IRule);
  return requirementOf((entry as Record<string, IRule>)[fieldName]);
}

const satisfied = (need: Requirement, granted: ReadonlySet<string>) =>
  need === 'signedIn' ||
  (need !== 'denied' &&
    ('all' in need ? need.all.every((p) => granted.has(p)) : need.any.some((p) => granted.has(p))));

/**
 * Check one document: it parses, is valid against `schema`, and every field it selects is
 * allowed by `granted` under the rule maps. Federation's plumbing and introspection are not for
 * partners, so `__schema`, `__type`, `_entities` and `_service` are refused too.
 */
export function checkDocument(
  schema: GraphQLSchema,
  requirements: FieldRequirements,
  document: string,
  granted: ReadonlySet<string>,
): DocumentProblem[] {
  let ast: DocumentNode;
  try {
    ast = parse(document, { maxTokens: 20_000 });
  } catch (err) {
    return [{ field: null, message: `does not parse: ${(err as Error).message}` }];
  }
  const rootless = rootlessOperations(schema, ast);
  if (rootless.length) return rootless;
  const invalid = validate(schema, ast);
  if (invalid.length) return invalid.slice(0, 5).map((e) => ({ field: null, message: e.message }));
  const problems: DocumentProblem[] = [];
  const seen = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    ast,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent) return;
        const name = node.name.value;
        if (name === '__typename') return;
        const field = `${parent.name}.${name}`;
        if (seen.has(field)) return;
        seen.add(field);
        if (name.startsWith('__') || name === '_entities' || name === '_service') {
          problems.push({ field, message: `${field} is not for integrations` });
          return;
        }
        // Abstract types: the shield guards the concrete types; the interface's field is checked
        // through each fragment on a concrete type, so only object types are looked up here.
        if (!isObjectType(parent)) return;
        const needs = requirements.of(parent.name, name);
        if (needs.some((need) => satisfied(need, granted))) return;
        const need = needs[0] as Requirement;
        if (need === 'denied' || need === 'signedIn') {
          problems.push({ field, message: `${field} is served to no one` });
        } else if ('all' in need) {
          problems.push({ field, message: `${field} needs ${need.all.join(', ')}`, permissions: need.all });
        } else {
          problems.push({
            field,
            message: `${field} needs one of ${need.any.join(', ')}`,
            permissions: need.any,
          });
        }
      },
    }),
  );
  return problems;
}

/**
 * Operations of a type the schema has no root for (`subscription` against this supergraph).
 * graphql-js 16's rules do not flag them (17's KnownOperationTypesRule does): with no root type,
 * no field of such an operation is even looked up, so `subscription { x }` passed as valid.
 */
function rootlessOperations(schema: GraphQLSchema, ast: DocumentNode): DocumentProblem[] {
  return ast.definitions.flatMap((def) =>
    def.kind === Kind.OPERATION_DEFINITION && !schema.getRootType(def.operation)
      ? [{ field: null, message: `the schema serves no ${def.operation} operations` }]
      : [],
  );
}

/**
 * A checker for trusted documents against a composed supergraph's SDL and every subgraph's rule
 * map. The schema is built on first use.
 */
export function documentChecker(
  supergraphSdl: () => string,
  subgraphs: () => readonly SubgraphRules[],
): (document: string, granted: ReadonlySet<string>) => DocumentProblem[] {
  let built: { schema: GraphQLSchema; requirements: FieldRequirements } | undefined;
  return (document, granted) => {
    built ??= {
      schema: buildASTSchema(parse(supergraphSdl()), { assumeValidSDL: true }),
      requirements: new FieldRequirements(subgraphs()),
    };
    return checkDocument(built.schema, built.requirements, document, granted);
  };
}

import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { RequestHandler } from 'express';
import {
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  validate,
  valueFromAST,
} from 'graphql';
import { fragmentsOf } from './operation-fields.ts';

/**
 * Demand control: what one request may ask of the gateway, checked before the query is planned.
 * Tokens bound the parser, depth, aliases and directives bound validation (GraphQL Armor's rules),
 * and the cost estimate bounds execution; every refusal is QUERY_TOO_COMPLEX naming the limit and
 * what was measured. Defaults leave room for every operation the product and its tests send.
 */
export interface DemandLimits {
  /** Characters of query text: past it the request is refused before anything parses it. */
  maxQueryLength: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  /** Items assumed for a list whose size no `first`/`limit` argument bounds. */
  defaultListSize: number;
}

export const DEFAULT_DEMAND_LIMITS: DemandLimits = {
  maxQueryLength: 100_000,
  maxTokens: 5_000,
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 20,
  maxCost: 25_000,
  defaultListSize: 50,
};

/**
 * Partner integrations and entity keys run the operations published for them, known in advance,
 * and nobody watches a machine that loops: their limits are tighter than a person's, and never
 * looser (docs/partners.md).
 */
export const DEFAULT_INTEGRATION_DEMAND_LIMITS: DemandLimits = {
  maxQueryLength: 100_000,
  maxTokens: 2_500,
  maxDepth: 10,
  maxAliases: 10,
  maxDirectives: 10,
  maxCost: 10_000,
  defaultListSize: 50,
};

/** The integration limits in force: as configured, but never beyond a person's. */
export function integrationLimitsWithin(
  limits: DemandLimits,
  asked: Partial<DemandLimits> = {},
): DemandLimits {
  const wanted = { ...DEFAULT_INTEGRATION_DEMAND_LIMITS, ...asked };
  return {
    maxQueryLength: Math.min(wanted.maxQueryLength, limits.maxQueryLength),
    maxTokens: Math.min(wanted.maxTokens, limits.maxTokens),
    maxDepth: Math.min(wanted.maxDepth, limits.maxDepth),
    maxAliases: Math.min(wanted.maxAliases, limits.maxAliases),
    maxDirectives: Math.min(wanted.maxDirectives, limits.maxDirectives),
    maxCost: Math.min(wanted.maxCost, limits.maxCost),
    defaultListSize: Math.max(wanted.defaultListSize, limits.defaultListSize),
  };
}

/**
 * Root fields that cost far more than reading a row: each runs a statement, a file or a job on the
 * server. Weighted so that a handful fit in one request and fifty aliases do not.
 */
export const FIELD_WEIGHTS: Readonly<Record<string, number>> = {
  'Mutation.investigate': 5_000,
  'Mutation.exportLedger': 1_000,
  'Mutation.exportDocumentsArchive': 1_000,
  'Mutation.renderDocument': 200,
  'Mutation.renderPartyStatement': 200,
  'Mutation.exportPartyStatementsArchive': 1_000,
  'Mutation.renderItbmsReturn': 200,
  'Query.partyStatement': 100,
  'Mutation.startBatchPeriodOperation': 2_000,
  'Mutation.provisionTenant': 5_000,
  'Mutation.backupClient': 5_000,
  'Mutation.restoreClient': 5_000,
  'Mutation.postJournalEntries': 2_000,
  'Query.closeBoard': 500,
  'Query.closeExceptions': 500,
  'Query.staleRateUsage': 500,
};

const LIST_SIZE_ARGUMENTS = ['first', 'last', 'limit'];

/** Lists bounded by their nature rather than by an argument: the items assumed for each. */
const KNOWN_LIST_SIZES: Readonly<Record<string, number>> = {
  // One per currency the party deals in: a handful, not a page.
  'PartyStatement.currencies': 5,
};

export function tooComplex(limit: string, max: number, measured: number | string): GraphQLError {
  return new GraphQLError(`The query is too complex: its ${limit} is ${measured}, the limit is ${max}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, measured, http: { status: 400 } },
  });
}

/**
 * Query text longer than any operation the product or a partner sends (`maxQueryLength`
 * characters) is refused as soon as the body is read — before the parser or anything else spends
 * time on it. (A body too large for its sender never gets this far: gateway/src/admission.ts.)
 */
export function queryLengthLimit(max: number): RequestHandler {
  return (req, res, next) => {
    const query = (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || query.length <= max) return next();
    const { message, extensions } = tooComplex('length', max, query.length);
    const { http: _status, ...safe } = extensions;
    res.status(400).json({ errors: [{ message, extensions: safe }] });
  };
}

/** GraphQL Armor's rules, reporting QUERY_TOO_COMPLEX with the limit and the value found. */
export function demandValidationRules(limits: DemandLimits): ValidationRule[] {
  const reportAs =
    (limit: string, max: number) =>
    (ctx: ValidationContext | null, error: GraphQLError): void => {
      const found = /found (\d+)/.exec(error.message)?.[1];
      ctx?.reportError(tooComplex(limit, max, found ? Number(found) : `over ${max}`));
    };
  const common = { exposeLimits: true, propagateOnRejection: false };
  return [
    maxDepthRule({ ...common, n: limits.maxDepth, onReject: [reportAs('depth', limits.maxDepth)] }),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reportAs('aliases', limits.maxAliases)] }),
    maxDirectivesRule({
      ...common,
      n: limits.maxDirectives,
      onReject: [reportAs('directives', limits.maxDirectives)],
    }),
  ];
}

/**
 * Apollo reports every validation error as GRAPHQL_VALIDATION_FAILED; a limit's refusal keeps its
 * own code, found on the error Apollo wrapped.
 */
export function demandRefusal(error: unknown): GraphQLError | null {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  return original instanceof GraphQLError && original.extensions.code === 'QUERY_TOO_COMPLEX'
    ? original
    : null;
}

/**
 * The parser stops at `maxTokens` (Apollo's parseOptions); its syntax error becomes
 * QUERY_TOO_COMPLEX here, in the gateway's one error formatter.
 */
export function tokenLimitError(message: string, limits: DemandLimits): GraphQLError | null {
  return /Document contains more that \d+ tokens/.test(message)
    ? tooComplex('tokens', limits.maxTokens, `over ${limits.maxTokens}`)
    : null;
}

/**
 * The cost estimate, once the operation and its variables are known and before the gateway plans
 * it: each field costs 1 (or its weight) plus its selection, multiplied by the list size its
 * `first`/`limit` argument asks for, or `defaultListSize` for an unbounded list. A machine caller
 * (`strict`) is held to the integration limits: its document is parsed and validated once more
 * against them, then costed under them.
 */
export function costLimitPlugin<C extends BaseContext>(
  limits: DemandLimits,
  integrationLimits: DemandLimits,
  strict: (context: C) => boolean,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema, contextValue }) {
          if (!operation) return;
          const applied = strict(contextValue) ? integrationLimits : limits;
          if (applied !== limits) {
            if (request.query) {
              try {
                parse(request.query, { maxTokens: applied.maxTokens });
              } catch {
                throw tooComplex('tokens', applied.maxTokens, `over ${applied.maxTokens}`);
              }
            }
            const [refusal] = validate(schema, document, demandValidationRules(applied));
            if (refusal) throw refusal;
          }
          const variables = variableValuesOf(schema, operation, request.variables);
          const cost = costOf(schema, document, operation, variables, applied);
          if (cost > applied.maxCost) throw tooComplex('cost', applied.maxCost, cost);
        },
      };
    },
  };
}

/**
 * The variables as the operation will run with them: those sent, coerced, and each one left out at
 * its default value (`$n: Int = 200` sent without `n` is 200, not an unsized list). Variables that
 * do not coerce are refused by the gateway before it plans anything; until then they count as sent.
 */
export function variableValuesOf(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  sent: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const { coerced } = getVariableValues(schema, operation.variableDefinitions ?? [], sent ?? {});
  return coerced ?? { ...sent };
}

/**
 * Costs of operations without variables, by operation and limits: Apollo parses a query text once
 * per schema and hands the same document to every request that sends it, so the same operation
 * asked again is not walked again. An operation with variables is costed each time (they may size it).
 */
const costs = new WeakMap<OperationDefinitionNode, Map<DemandLimits, number>>();

function costOf(...args: Parameters<typeof estimateCost>): number {
  const [, , operation, , limits] = args;
  if (operation.variableDefinitions?.length) return estimateCost(...args);
  const known = costs.get(operation) ?? new Map<DemandLimits, number>();
  costs.set(operation, known);
  const cost = known.get(limits) ?? estimateCost(...args);
  known.set(limits, cost);
  return cost;
}

export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: DemandLimits,
): number {
  const fragments = fragmentsOf(document);
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;

  const selectionCost = (typeName: string, set: SelectionSetNode, seen: Set<string>): number => {
    const type = schema.getType(typeName);
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) total += fieldCost(typeName, type, sel, seen);
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += selectionCost(sel.typeCondition?.name.value ?? typeName, sel.selectionSet, seen);
      } else {
        const fragment = fragments.get(sel.name.value);
        // A fragment spread inside itself is invalid GraphQL (validation refuses it); never loop here.
        if (!fragment || seen.has(sel.name.value)) continue;
        total += selectionCost(
          fragment.typeCondition.name.value,
          fragment.selectionSet,
          new Set([...seen, sel.name.value]),
        );
      }
    }
    return total;
  };

  const fieldCost = (
    parentName: string,
    parent: ReturnType<GraphQLSchema['getType']>,
    node: FieldNode,
    seen: Set<string>,
  ): number => {
    if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return 1;
    const field = parent.getFields()[node.name.value] as GraphQLField<unknown, unknown> | undefined;
    if (!field) return 1;
    const own = FIELD_WEIGHTS[`${parentName}.${field.name}`] ?? 1;
    const named = getNamedType(field.type);
    const children =
      node.selectionSet && isCompositeType(named) ? selectionCost(named.name, node.selectionSet, seen) : 0;
    // A connection's `edges` are the page its own `first` already sized.
    const size = parentName.endsWith('Connection')
      ? 1
      : (KNOWN_LIST_SIZES[`${parentName}.${field.name}`] ?? listSize(field, node));
    return own + size * children;
  };

  const listSize = (field: GraphQLField<unknown, unknown>, node: FieldNode): number => {
    for (const name of LIST_SIZE_ARGUMENTS) {
      const argDef = field.args.find((a) => a.name === name);
      if (!argDef) continue;
      const argNode = node.arguments?.find((a) => a.name.value === name);
      // Left out, the argument takes its schema default (`first: Int = 100`): that is the page size.
      const value = argNode ? valueFromAST(argNode.value, argDef.type, variables) : argDef.defaultValue;
      if (typeof value === 'number' && value >= 0) return Math.max(1, value);
    }
    return returnsList(field) ? limits.defaultListSize : 1;
  };

  return selectionCost(root.name, operation.selectionSet, new Set());
}

/** A list, or a Relay connection (whose `edges` is the list `first` sizes). */
function returnsList(field: GraphQLField<unknown, unknown>): boolean {
  const type = getNullableType(field.type);
  if (isListType(type)) return true;
  const named = getNamedType(type);
  return isObjectType(named) && named.name.endsWith('Connection');
}

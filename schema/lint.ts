/**
 * The schema's house rules, over the API schema clients generate from (schema/api-schema.ts):
 * every type, field, argument, enum value and input field described; types PascalCase, fields and
 * arguments camelCase, enum values SCREAMING_SNAKE; a connection is named `XConnection` with
 * `edges: [XEdge!]!` and `pageInfo: PageInfo!`, its edge `XEdge` with `cursor: String!` and `node`.
 *
 * Descriptions are a ratchet while the backlog of issue 14 §7 is worked off: schema/undescribed.txt
 * lists the elements still undescribed; nothing may join it, and an element described since must
 * leave it. `pnpm schema:lint --baseline` rewrites it (only ever shorter: it refuses to add).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { apiSchema } from './api-schema.ts';

export const UNDESCRIBED_PATH = fileURLToPath(new URL('./undescribed.txt', import.meta.url));

const PASCAL = /^[A-Z][a-zA-Z0-9]*$/;
const CAMEL = /^[a-z][a-zA-Z0-9]*$/;
const SCREAMING = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

const ownTypes = (schema: GraphQLSchema): GraphQLNamedType[] =>
  Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__') && !isSpecifiedScalarType(t))
    .sort((a, b) => a.name.localeCompare(b.name));

/** Every element without a description, as `Type`, `Type.field`, `Type.field(arg)` or `Enum.VALUE`. */
export function undescribed(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const t of ownTypes(schema)) {
    if (!t.description?.trim()) out.push(t.name);
    if (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) {
      for (const f of Object.values(t.getFields())) {
        if (!f.description?.trim()) out.push(`${t.name}.${f.name}`);
        if ('args' in f) {
          for (const a of f.args) if (!a.description?.trim()) out.push(`${t.name}.${f.name}(${a.name})`);
        }
      }
    }
    if (isEnumType(t)) {
      for (const v of t.getValues()) if (!v.description?.trim()) out.push(`${t.name}.${v.name}`);
    }
  }
  return out;
}

/** Every naming rule broken, as a sentence naming the element. */
export function namingProblems(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const t of ownTypes(schema)) {
    if (!PASCAL.test(t.name)) out.push(`type ${t.name} is not PascalCase`);
    if (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) {
      for (const f of Object.values(t.getFields())) {
        if (!CAMEL.test(f.name)) out.push(`field ${t.name}.${f.name} is not camelCase`);
        if ('args' in f) {
          for (const a of f.args) {
            if (!CAMEL.test(a.name)) out.push(`argument ${t.name}.${f.name}(${a.name}) is not camelCase`);
          }
        }
      }
    }
    if (isEnumType(t)) {
      for (const v of t.getValues()) {
        if (!SCREAMING.test(v.name)) out.push(`enum value ${t.name}.${v.name} is not SCREAMING_SNAKE`);
      }
    }
    if (isObjectType(t) && t.name.endsWith('Connection')) {
      const base = t.name.slice(0, -'Connection'.length);
      const fields = t.getFields();
      if (String(fields.edges?.type) !== `[${base}Edge!]!`) {
        out.push(`connection ${t.name} needs edges: [${base}Edge!]!`);
      }
      if (String(fields.pageInfo?.type) !== 'PageInfo!')
        out.push(`connection ${t.name} needs pageInfo: PageInfo!`);
    }
    if (isObjectType(t) && t.name.endsWith('Edge')) {
      const fields = t.getFields();
      if (String(fields.cursor?.type) !== 'String!') out.push(`edge ${t.name} needs cursor: String!`);
      if (!fields.node) out.push(`edge ${t.name} needs node`);
    }
    // A page-info shape of its own is the drift one shared PageInfo replaced.
    if (t.name !== 'PageInfo' && t.name.endsWith('PageInfo'))
      out.push(`type ${t.name}: use the shared PageInfo`);
  }
  // A field returning a connection pages with `first` and `after`.
  for (const t of ownTypes(schema)) {
    if (!isObjectType(t) && !isInterfaceType(t)) continue;
    for (const f of Object.values(t.getFields())) {
      if (!getNamedType(f.type).name.endsWith('Connection')) continue;
      for (const arg of ['first', 'after']) {
        if (!f.args.some((a) => a.name === arg))
          out.push(`${t.name}.${f.name} returns a connection without ${arg}`);
      }
    }
  }
  return out;
}

/**
 * A list's bound, stated in its description: "At most …" (a number, an argument such as `first`,
 * or what bounds it by nature, e.g. "at most one per CloseStage (6)") or "Bounded by …".
 */
export const LIST_BOUND = /\b(at\s+most|bounded\s+by)\b/i;

/**
 * Lists that can grow with the firm's or a client's activity and are not connections yet, each
 * with why it is still a list (docs/architecture/schema.md, "Lists"). Only ever shorter: a field
 * that becomes a connection, or states its bound, must leave it.
 */
export const UNBOUNDED_LISTS: Readonly<Record<string, string>> = {
  // Reports and posted documents are read whole: a page would split their totals, and a client's
  // books bound them (its chart, its parties, its open items); the exports stream the large ones.
  'TrialBalance.rows': 'a report, read whole: one row per account of the chart',
  'StatementSection.rows': 'a report, read whole: one row per account of the section',
  'AgingReport.rows': 'a report, read whole: one row per party and currency with open items',
  'UnrealizedFxExposure.items': 'a report, read whole: one item per open foreign-currency item',
  'YearEndClose.lines': 'a posted close, read whole (it balances): one line per income and expense account',
  'FxRevaluation.lines': 'a posted revaluation, read whole (it balances): one line per revalued item',
  'JournalEntry.lines':
    'a posted entry, read whole (it balances): 1,000 at most by hand, more from a document or revaluation',
  'Document.allocations': 'part of one document: the invoices one receipt or payment settles',
  'Document.settlements': 'part of one document: the receipts, payments and notes settling one invoice',
};

/**
 * Every list field of an output type that is neither a connection's `edges` nor described with its
 * bound (LIST_BOUND), nor a known exception of UNBOUNDED_LISTS; and every exception that no longer
 * needs to be one.
 */
export function listProblems(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of ownTypes(schema)) {
    if (!isObjectType(t) && !isInterfaceType(t)) continue;
    for (const f of Object.values(t.getFields())) {
      const type = isNonNullType(f.type) ? f.type.ofType : f.type;
      if (!isListType(type)) continue;
      if (t.name.endsWith('Connection') && f.name === 'edges') continue;
      // Sized by its own argument, whose description states the maximum (demand control reads it).
      if (f.args.some((a) => a.name === 'first' || a.name === 'limit')) continue;
      const name = `${t.name}.${f.name}`;
      const bounded = LIST_BOUND.test(f.description ?? '');
      if (name in UNBOUNDED_LISTS) {
        seen.add(name);
        if (bounded) out.push(`${name} states its bound: remove it from UNBOUNDED_LISTS`);
      } else if (!bounded) {
        out.push(
          `${name} is a list without a bound: make it a connection (first/after, PageInfo) or say "At most …" in its description`,
        );
      }
    }
  }
  for (const name of Object.keys(UNBOUNDED_LISTS)) {
    if (!seen.has(name)) out.push(`${name} is no longer a list: remove it from UNBOUNDED_LISTS`);
  }
  return out;
}

export function readUndescribedBaseline(): string[] {
  return readFileSync(UNDESCRIBED_PATH, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const schema = apiSchema();
  const naming = [...namingProblems(schema), ...listProblems(schema)];
  const now = undescribed(schema);
  const baseline = new Set(readUndescribedBaseline());
  const added = now.filter((e) => !baseline.has(e));
  if (process.argv.includes('--baseline')) {
    if (added.length > 0) {
      console.error(`Describe these instead of adding them to the baseline:\n${added.join('\n')}`);
      process.exit(1);
    }
    writeFileSync(
      UNDESCRIBED_PATH,
      `# Elements of the API schema still without a description (schema/lint.ts). Only ever shorter.\n${now.join('\n')}\n`,
    );
    console.log(`${now.length} elements still undescribed`);
  } else {
    const problems = [...naming, ...added.map((e) => `${e} has no description`)];
    if (problems.length > 0) {
      console.error(problems.join('\n'));
      process.exit(1);
    }
    console.log(`schema lint: no naming problem, ${now.length} elements of the baseline still undescribed`);
  }
}

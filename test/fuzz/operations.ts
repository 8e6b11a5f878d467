import { readFileSync } from 'node:fs';
import { SUPERGRAPH_SDL_PATH } from '@cifra/ops';
import {
  buildASTSchema,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  parse,
} from 'graphql';

/**
 * A small seeded generator (mulberry32): the whole run follows from one 32-bit seed, so a failure
 * is reproduced by running again with the seed it printed.
 */
export interface Rng {
  int(max: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return {
    int,
    pick: <T>(xs: readonly T[]) => {
      if (xs.length === 0) throw new Error('pick from an empty list');
      return xs[int(xs.length)] as T;
    },
    chance: (p) => next() < p,
  };
}

/** Values taken from every client of both firms, offered to any request whatever its client. */
export interface ValuePools {
  /** Every id seen, and the same by the client it was read from (`''` for firm-level answers). */
  ids: string[];
  idsByClient: Map<string, string[]>;
  cursors: string[];
  slugs: string[];
  accountCodes: string[];
  statements: string[];
}

export interface GeneratedOperation {
  kind: 'query' | 'mutation';
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

/** The API schema clients see: the composed supergraph without its join machinery. */
export function loadApiSchema(): GraphQLSchema {
  return buildASTSchema(parse(readFileSync(SUPERGRAPH_SDL_PATH, 'utf8')), { assumeValidSDL: true });
}

const MAX_INPUT_DEPTH = 3;
const MAX_SELECTION_DEPTH = 3;

/**
 * Builds random but well-typed operations for any root field of the schema. Every string it
 * invents carries `mark` (the client the request names), so a write that lands in another
 * client's database is found by looking for marks afterwards.
 */
export class OperationGenerator {
  private client: string | undefined;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rng: Rng,
    private readonly pools: ValuePools,
  ) {}

  rootFields(kind: 'query' | 'mutation'): string[] {
    const root = kind === 'query' ? this.schema.getQueryType() : this.schema.getMutationType();
    return Object.keys(root?.getFields() ?? {}).filter((f) => !f.startsWith('_'));
  }

  /**
   * `mark` goes into every invented string; `client` (the slug the request names) makes its own
   * ids likelier, so that writes get through often enough to test where they land.
   */
  operation(
    kind: 'query' | 'mutation',
    fieldName: string,
    mark: string,
    client?: string,
  ): GeneratedOperation {
    this.client = client;
    const root = kind === 'query' ? this.schema.getQueryType() : this.schema.getMutationType();
    const field = root?.getFields()[fieldName];
    if (!field) throw new Error(`no root field ${kind}.${fieldName}`);
    const defs: string[] = [];
    const args: string[] = [];
    const variables: Record<string, unknown> = {};
    for (const arg of field.args) {
      if (!isNonNullType(arg.type) && !this.rng.chance(0.5)) continue;
      const name = `v${defs.length}`;
      defs.push(`$${name}: ${String(arg.type)}`);
      args.push(`${arg.name}: $${name}`);
      variables[name] = this.value(arg.type, arg.name, mark, 0);
    }
    const selection = this.selection(field.type, 0);
    const head = defs.length ? `(${defs.join(', ')})` : '';
    const call = args.length ? `(${args.join(', ')})` : '';
    return {
      kind,
      field: fieldName,
      query: `${kind} Fuzz${head} { ${fieldName}${call}${selection} }`,
      variables,
    };
  }

  private value(type: GraphQLInputType, name: string, mark: string, depth: number): unknown {
    if (isNonNullType(type)) return this.value(type.ofType, name, mark, depth);
    if (isListType(type)) {
      if (name === 'lines' && getNamedType(type).name === 'JournalLineInput') return this.balancedLines(mark);
      const n = 1 + this.rng.int(3);
      return Array.from({ length: n }, () => this.value(type.ofType, name, mark, depth + 1));
    }
    if (isEnumType(type)) return this.rng.pick(type.getValues()).name;
    if (isInputObjectType(type)) {
      const out: Record<string, unknown> = {};
      for (const f of Object.values(type.getFields())) {
        const required = isNonNullType(f.type);
        if (!required && (depth >= MAX_INPUT_DEPTH || !this.rng.chance(0.4))) continue;
        out[f.name] = this.value(f.type, f.name, mark, depth + 1);
      }
      return out;
    }
    return this.scalar(type.name, name, mark);
  }

  /** Journal lines that balance, so postings are not all refused before they reach the books. */
  private balancedLines(mark: string) {
    const amount = this.rng.pick(['1.00', '12.34', '0.01', '250.00']);
    const [a, b] = [this.rng.pick(this.pools.accountCodes), this.rng.pick(this.pools.accountCodes)];
    return [
      { accountCode: a, debit: amount, memo: `${mark} line` },
      { accountCode: b, credit: amount },
    ];
  }

  private scalar(typeName: string, argName: string, mark: string): unknown {
    const r = this.rng;
    const year = new Date().getUTCFullYear();
    switch (typeName) {
      case 'ID': {
        const own = this.client ? this.pools.idsByClient.get(this.client) : undefined;
        if (own?.length && r.chance(0.5)) return r.pick(own);
        if (r.chance(0.8) && this.pools.ids.length) return r.pick(this.pools.ids);
        return r.chance(0.5) ? '00000000-0000-4000-8000-000000000000' : 'not-an-id';
      }
      case 'Int':
        if (/year/i.test(argName)) return r.pick([year, year - 1, year + 1]);
        if (/month/i.test(argName)) return 1 + r.int(12);
        return r.pick([0, 1, 2, 10, 50, -1]);
      case 'Boolean':
        return r.chance(0.5);
      case 'Date': {
        const y = r.pick([year, year, year - 1]);
        return `${y}-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`;
      }
      case 'DateTime':
        return new Date(Date.now() - r.int(90) * 86_400_000).toISOString();
      case 'Money':
        return r.pick(['1.00', '10.00', '0.01', '99.99']);
      case 'Decimal':
        return r.pick(['1', '1.0850', '0.5']);
      case 'JSON':
        return r.pick([{}, { brandColor: '#123456' }, { fxVarianceMode: 'SEPARATED' }]);
      default:
        return this.text(argName, mark);
    }
  }

  private text(argName: string, mark: string): string {
    const r = this.rng;
    const n = r.int(10_000);
    if (argName === 'tenant') return r.pick(this.pools.slugs);
    if (argName === 'sql') return r.pick(this.pools.statements);
    if (argName === 'after') return this.pools.cursors.length ? r.pick(this.pools.cursors) : 'junk';
    if (argName === 'accountCode') return r.pick(this.pools.accountCodes);
    if (argName === 'currency' || argName === 'baseCurrency') return r.pick(['PAB', 'USD', 'EUR', 'XXX']);
    if (argName === 'entityType')
      return r.pick(['JournalEntry', 'Account', 'Document', 'Party', 'PostingPeriod']);
    if (argName === 'prefix') return `${mark}${n}`.slice(0, 12).toUpperCase();
    if (argName === 'code') return `${mark}${n}`;
    if (argName === 'slug') return `fz-${n}`;
    if (argName === 'email') return `fz${n}@example.test`;
    if (argName === 'reason') return `${mark} a reason long enough for every rule`;
    return `${mark} ${n}`;
  }

  private selection(type: GraphQLOutputType, depth: number): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return '';
    if (isUnionType(named)) {
      const parts = named
        .getTypes()
        .map((t) => `... on ${t.name} ${this.selection(t, depth + 1) || '{ __typename }'}`);
      return ` { __typename ${parts.join(' ')} }`;
    }
    if (!isObjectType(named) && !isInterfaceType(named)) return '';
    const fields = Object.values(named.getFields()).filter((f) => !f.args.some((a) => isNonNullType(a.type)));
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
    const nested = depth < MAX_SELECTION_DEPTH ? fields.filter((f) => !isLeafType(getNamedType(f.type))) : [];
    const picked = nested.filter(() => this.rng.chance(depth === 0 ? 0.8 : 0.4));
    const parts = ['__typename', ...leaves.map((f) => f.name)];
    for (const f of picked) {
      const sub = this.selection(f.type, depth + 1);
      if (sub) parts.push(`${f.name}${sub}`);
    }
    return ` { ${parts.join(' ')} }`;
  }
}

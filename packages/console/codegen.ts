import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator's client preset (as in docs/examples/partner): typed documents for the
 * operations written with `graphql(...)` in src/, and `persisted-documents.json`, the manifest the
 * console's operations can be published from as trusted documents. Offline: the schema is the
 * checked-in supergraph. `pnpm codegen` writes src/__generated__; `pnpm codegen:check` fails when
 * it is stale.
 */
const config: CodegenConfig = {
  schema: '../../schema/supergraph.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/__generated__/**'],
  generates: {
    'src/__generated__/': {
      preset: 'client',
      presetConfig: {
        persistedDocuments: { hashAlgorithm: 'sha256' },
        fragmentMasking: false,
      },
      config: {
        // Money, rates and dates travel as exact strings (never floats).
        scalars: { Money: 'string', Decimal: 'string', Date: 'string', DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
      },
    },
  },
};

export default config;

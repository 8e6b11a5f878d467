import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

/**
 * GraphQL Code Generator's client preset (as in docs/examples/partner): typed documents for the
 * operations written with `graphql(...)` in src/, and `persisted-documents.json`, the manifest the
 * console's operations can be published from as trusted documents. Offline: the schema is the
 * checked-in supergraph. `pnpm codegen` writes src/__generated__; `pnpm codegen:check` fails when
 * it is stale. Every selection set gets `__typename`, as Apollo Client's cache adds it: the console
 * sends each operation by its id (src/apollo.ts), and the text the gateway runs in its place must
 * be the one the cache expects.
 */
const config: CodegenConfig = {
  schema: '../../schema/supergraph.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/__generated__/**'],
  generates: {
    'src/__generated__/': {
      preset: 'client',
      documentTransforms: [addTypenameSelectionDocumentTransform],
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

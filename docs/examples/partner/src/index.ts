export {
  type AccessToken,
  CifraError,
  createPartnerClient,
  type InvoiceInput,
  type IssuedInvoice,
  type PartnerClient,
  type PartnerClientOptions,
  TokenError,
  type TrialBalance,
} from './client.ts';
export { todayIn } from './dates.ts';
export { PERMISSIONS } from './permissions.ts';

import manifest from './__generated__/persisted-documents.json' with { type: 'json' };

/** The manifest codegen wrote (`{ "sha256:<hex>": "<document>" }`): what the firm publishes for this app. */
export const persistedDocuments: Readonly<Record<string, string>> = manifest;

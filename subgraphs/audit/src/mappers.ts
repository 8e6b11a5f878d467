import type { control, tenant } from '@cifra/db';
import type { EntityVersion as EntityVersionModel } from './services/history.service.ts';
import type { Investigation } from './services/investigate.service.ts';
import type { AuditChainVerification as Verification } from './services/verify-audit-chain.service.ts';

/** The models behind the GraphQL types: rows as the database holds them. */
export type AuditEvent = typeof tenant.auditEvents.$inferSelect;
export type AuditChainVerification = Verification;
export type AuditChainBreak = NonNullable<Verification['firstBrokenLink']>;
export type EntityVersion = EntityVersionModel;
export type InvestigationResult = Investigation;
/** Entities other subgraphs own; this one only knows their id. */
export type JournalEntry = { id: string };
export type Account = { id: string };
export type PostingPeriod = { id: string };
/** The firm's trail, in the control plane. */
export type FirmAuditEvent = typeof control.controlAuditEvents.$inferSelect;
export type FirmAuditChainVerification = Verification;
export type FirmAuditChainBreak = NonNullable<Verification['firstBrokenLink']>;
/** A client, owned by the tenancy subgraph; this one adds its firm-level trail. */
export type Tenant = { id: string };

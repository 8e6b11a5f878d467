import type { tenant } from '@cifra/db';

/** The models behind the GraphQL types: rows as the database holds them. */
export type AuditEvent = typeof tenant.auditEvents.$inferSelect;

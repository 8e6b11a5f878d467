import { can, Permissions as P, type RuleMap } from '@cifra/permissions';

const read = can(P.Audit.Read);
const investigate = can(P.Audit.Investigate);

/** Every field of this subgraph, mapped to the permission it needs (deny by default). */
export const rules: RuleMap = {
  Query: { auditEvents: read, verifyAuditChain: read, history: read },
  Mutation: { investigate },
  AuditEvent: read,
  AuditEventConnection: read,
  AuditEventEdge: read,
  PageInfo: read,
  AuditChainVerification: read,
  AuditChainBreak: read,
  EntityVersion: read,
  InvestigationResult: investigate,
  InvestigationError: investigate,
  JournalEntry: read,
  Account: read,
  PostingPeriod: read,
};

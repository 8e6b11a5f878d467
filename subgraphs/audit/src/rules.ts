import { can, canAny, Permissions as P, type RuleMap } from '@cifra/permissions';

const read = can(P.Audit.Read);
const readFirm = can(P.Audit.ReadFirm);
/** Types both trails use. */
const readEither = canAny(P.Audit.Read, P.Audit.ReadFirm);
const investigate = can(P.Audit.Investigate);
/**
 * Anyone with access to the client reaches investigate(sql), so that an attempt without
 * Audit.Investigate is refused *and recorded* by the service; the answer's types stay guarded.
 */
const attemptInvestigation = can(P.Tenant.Read);

/** Every field of this subgraph, mapped to the permission it needs (deny by default). */
export const rules: RuleMap = {
  Query: {
    auditEvents: read,
    verifyAuditChain: read,
    verifyBooks: read,
    history: read,
    historyConnection: read,
    firmAuditEvents: readFirm,
    verifyFirmAuditChain: readFirm,
    firmHistory: readFirm,
    firmHistoryConnection: readFirm,
  },
  Mutation: { investigate: attemptInvestigation },
  AuditEvent: read,
  ActorIntegration: read,
  AuditEventConnection: read,
  AuditEventEdge: read,
  PageInfo: readEither,
  AuditChainVerification: read,
  BooksVerification: read,
  BooksMismatch: read,
  ChainCheckpointCheck: read,
  AuditChainBreak: read,
  EntityVersion: readEither,
  EntityVersionConnection: readEither,
  EntityVersionEdge: readEither,
  InvestigationResult: investigate,
  InvestigationError: investigate,
  JournalEntry: read,
  Account: read,
  PostingPeriod: read,
  FirmAuditEvent: readFirm,
  FirmAuditEventConnection: readFirm,
  FirmAuditEventEdge: readFirm,
  FirmAuditChainVerification: readFirm,
  FirmAuditChainBreak: readFirm,
  Tenant: readFirm,
};

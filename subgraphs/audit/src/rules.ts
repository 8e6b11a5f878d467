import { can, Permissions as P, type RuleMap } from '@cifra/permissions';

const read = can(P.Audit.Read);

/** Every field of this subgraph, mapped to the permission it needs (deny by default). */
export const rules: RuleMap = {
  Query: { auditEvents: read },
  AuditEvent: read,
  AuditEventConnection: read,
  AuditEventEdge: read,
  PageInfo: read,
};

import { Permissions as P, type Permission, ROLE_PERMISSIONS } from '@cifra/permissions';
import { describe, expect, it } from 'vitest';
import {
  mayApplyCredit,
  mayExport,
  mayImportOpening,
  mayManageClient,
  mayReadAudit,
  mayRender,
  mayRunRecurring,
  mayVoidWriteOff,
  mayWriteOff,
} from '../../packages/console/src/screens/workspace/may.ts';
import { type MAY, mayDo } from '../../packages/console/src/screens/workspace/year-end-words.ts';
import { enumValues } from '../../subgraphs/tenancy/src/enum-values.ts';

/**
 * The console shows a button only to the roles the API lets take that step: its role lists mirror
 * packages/permissions (the console does not import the server's package). The year-end close
 * screen's lists against the permission each step's rule checks (subgraphs/period/src/year-end/
 * rules.ts, and rules.ts for markYearAudited), role by role.
 */
const roles = Object.entries(enumValues.RoleCluster) as [keyof typeof enumValues.RoleCluster, string][];
const grants = (inside: string, p: Permission) =>
  (ROLE_PERMISSIONS as Record<string, readonly Permission[]>)[inside]!.includes(p);

describe('the console’s role lists mirror packages/permissions', () => {
  it('year-end close: prepare, approve, mark audited, reverse', () => {
    const needs: Record<keyof typeof MAY, Permission> = {
      prepare: P.Period.PrepareClose,
      approve: P.Year.Close,
      audit: P.Year.Audit,
      reverse: P.PostingPeriod.ReverseClose,
    };
    for (const [step, permission] of Object.entries(needs) as [keyof typeof MAY, Permission][])
      for (const [role, inside] of roles)
        expect(mayDo(role, step), `${role} ${step} (${permission})`).toBe(grants(inside, permission));
    expect(mayDo(null, 'prepare')).toBe(false);
  });

  it('the workspace’s actions: render a PDF, export PDFs, the books check, archive and delete a client', () => {
    for (const [role, inside] of roles) {
      expect(mayRender(role), `${role} renderDocument`).toBe(grants(inside, P.GL.Read));
      expect(mayExport(role), `${role} exportDocumentsArchive`).toBe(grants(inside, P.GL.Export));
      expect(mayReadAudit(role), `${role} verifyBooks`).toBe(grants(inside, P.Audit.Read));
      // Tenant.Manage is firm-scoped: the firm-wide role must grant it, and so must the role on the client.
      for (const [firmRole, firmInside] of roles)
        expect(mayManageClient(firmRole, role), `${firmRole} firm-wide, ${role} on the client`).toBe(
          grants(firmInside, P.Tenant.Manage) && grants(inside, P.Tenant.Manage),
        );
    }
    expect(mayManageClient(null, 'FIRM_ADMIN')).toBe(false);
    // Opening balances: importing posts the GL and the open items' invoices and bills; voiding voids them.
    const opening = [
      P.GL.Post,
      P.GL.Void,
      P.Invoice.Approve,
      P.PurchaseInvoice.Post,
      P.Invoice.Void,
      P.PurchaseInvoice.Void,
    ];
    for (const [role, inside] of roles)
      expect(mayImportOpening(role), `${role} importOpeningBalances`).toBe(
        opening.every((p) => grants(inside, p)),
      );
    expect(mayImportOpening(null)).toBe(false);
    expect(mayRender(null)).toBe(false);
  });

  it('credits, write-offs and recurring templates (subgraphs/ledger: documents, write-offs, recurring rules)', () => {
    for (const [role, inside] of roles) {
      // A refund is a refund draft (Payment.Create) posted at once (Payment.Post): Post implies Create in every role.
      expect(mayApplyCredit(role), `${role} applyCustomerCredit, refund`).toBe(
        grants(inside, P.Payment.Post) && grants(inside, P.Payment.Create),
      );
      expect(mayWriteOff(role), `${role} writeOffBadDebt`).toBe(grants(inside, P.Invoice.Approve));
      expect(mayVoidWriteOff(role), `${role} voidBadDebtWriteOff`).toBe(grants(inside, P.Invoice.Void));
      expect(mayRunRecurring(role), `${role} recurring templates, runRecurringEntries`).toBe(
        grants(inside, P.GL.Post),
      );
    }
    expect(mayApplyCredit(null) || mayWriteOff(null) || mayVoidWriteOff(null) || mayRunRecurring(null)).toBe(
      false,
    );
  });
});

import { type Actor, inTransaction, recordAuditEvent, tenant, tenantDb, withClient } from '@cifra/db';
import { fiscalYearOf, fiscalYearPeriods, type RegionTemplate, todayIn } from '@cifra/domain';

export interface BooksSetup {
  legalName: string;
  template: RegionTemplate;
  baseCurrency: string;
  baseMinorUnits: number;
  timezone: string;
  now?: Date;
}

/**
 * Lay down a new client's books in its freshly migrated database, in one transaction: the company
 * row, the chart of accounts with its role bindings, tax codes, the current fiscal year with its
 * twelve UNLOCKED periods, and the journal-entry number sequence.
 */
export async function seedBooks(ownerUrl: string, actor: Actor, setup: BooksSetup): Promise<void> {
  const { template } = setup;
  const fiscalYear = fiscalYearOf(todayIn(setup.timezone, setup.now), template.fiscalYearStartMonth);
  const periods = fiscalYearPeriods(fiscalYear, template.fiscalYearStartMonth);
  await withClient(ownerUrl, (client) =>
    inTransaction(tenantDb(client), actor, async (tx) => {
      await tx.insert(tenant.company).values({
        legalName: setup.legalName,
        region: template.region,
        baseCurrency: setup.baseCurrency,
        baseMinorUnits: setup.baseMinorUnits,
        timezone: setup.timezone,
        fiscalYearStartMonth: template.fiscalYearStartMonth,
      });
      const accounts = await tx
        .insert(tenant.accounts)
        .values(template.accounts.map(({ code, name, type }) => ({ code, name, type })))
        .returning({ id: tenant.accounts.id, code: tenant.accounts.code });
      const idOf = new Map(accounts.map((a) => [a.code, a.id]));
      await tx
        .insert(tenant.accountRoleBindings)
        .values(
          template.accounts.flatMap((a) => (a.role ? [{ role: a.role, accountId: idOf.get(a.code)! }] : [])),
        );
      await tx.insert(tenant.taxCodes).values([...template.taxCodes]);
      await tx.insert(tenant.fiscalYears).values({
        year: fiscalYear,
        startDate: periods[0]!.startDate,
        endDate: periods[11]!.endDate,
      });
      await tx.insert(tenant.postingPeriods).values(periods);
      await tx.insert(tenant.numberSequences).values({ documentType: 'JE', fiscalYear, prefix: 'JE' });
      await recordAuditEvent(tx, actor, {
        action: 'tenant.provisioned',
        entityType: 'Company',
        entityId: 'company',
        after: {
          legalName: setup.legalName,
          region: template.region,
          baseCurrency: setup.baseCurrency,
          timezone: setup.timezone,
          fiscalYear,
          accounts: template.accounts.length,
        },
      });
    }),
  );
}

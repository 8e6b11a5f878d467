import { type ControlDb, control, type TenantRegistry } from '@cifra/db';
import { Permissions as P } from '@cifra/permissions';
import { fiscalYears, openFiscalYear, type PeriodActor } from '@cifra/subgraph-period';
import { BOOKS_YEAR } from '@cifra/testing';

// What the tests read a client's today and year by, kept beside BOOKS_YEAR in @cifra/testing.
export { clientToday, provisionedYear } from '@cifra/testing';

/** Who opens the years: the seed's system actor, allowed to open years and nothing else. */
const OPENER: PeriodActor = {
  userId: null,
  email: 'system@cifra',
  reason: "the tests' books year",
  permissions: [P.Year.Open],
};

/**
 * Give every client of a stack the fiscal years from BOOKS_YEAR on, the year the end-to-end tests
 * write their books in (`2026-06-10`, `INV-2026-000001`, the bank fixtures). A client is provisioned
 * with the year it is provisioned in; from 2027 on, its years back to BOOKS_YEAR are opened here, one
 * by one as the API would (years are contiguous), so a test reads the same books whatever the day it
 * runs, and a month of BOOKS_YEAR it closes has ended from then on. In 2026 this opens nothing.
 */
export async function openBooksYears(controlDb: ControlDb, registry: TenantRegistry): Promise<void> {
  const tenants = await controlDb.select({ id: control.tenants.id }).from(control.tenants);
  for (const { id } of tenants) {
    const db = await registry.db(id);
    const [first] = await fiscalYears(db);
    for (let year = (first?.year ?? BOOKS_YEAR) - 1; year >= BOOKS_YEAR; year--)
      await openFiscalYear(db, OPENER, { year });
  }
}

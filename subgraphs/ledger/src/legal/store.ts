import { markRecordedTime, tenant } from '@cifra/db';
import type { TenantTx } from '@cifra/engine';

/** The legal details' only door to the database: the company row's legal columns. */

export type CompanyRow = typeof tenant.company.$inferSelect;
export type LegalColumns = Pick<CompanyRow, 'legalName' | 'ruc' | 'dv' | 'rucKind' | 'address' | 'taxRegime'>;
type Reader = Pick<TenantTx, 'select'>;

const c = tenant.company;
const columns = {
  legalName: c.legalName,
  ruc: c.ruc,
  dv: c.dv,
  rucKind: c.rucKind,
  address: c.address,
  taxRegime: c.taxRegime,
  region: c.region,
};

export type LegalRow = LegalColumns & { region: string };

/** The legal details of a company row read whole (the documents' pass reads it with its drafts). */
export function legalRowOf(company: CompanyRow): LegalRow {
  return Object.fromEntries(Object.keys(columns).map((k) => [k, company[k as keyof LegalRow]])) as LegalRow;
}

export async function legalDetailsOf(db: Reader): Promise<LegalRow | undefined> {
  const [row] = await db.select(columns).from(c);
  return row;
}

/** The company row's legal details, locked until the transaction ends (two updates take turns). */
export async function lockLegalDetails(tx: TenantTx): Promise<LegalRow | undefined> {
  const [row] = await tx.select(columns).from(c).for('update');
  await markRecordedTime(tx);
  return row;
}

export async function saveLegalDetails(tx: TenantTx, details: LegalColumns): Promise<void> {
  await tx.update(c).set(details);
}

import {
  type Actor,
  type ControlDb,
  control,
  inTransaction,
  recordAuditEvent,
  type TenantRegistry,
  tenant,
} from '@cifra/db';
import { formatMoney } from '@cifra/domain';
import { loadCompany, postEntry } from '@cifra/engine';
import { provisionTenant } from '@cifra/subgraph-tenancy';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { type DemoClientReport, seedDemoHistory } from './demo/demo-history.ts';
import { DEMO_CURRENCIES } from './demo/demo-rates.ts';

export { planActivity } from './demo/demo-activity.ts';
export { DEMO_PROFILES, type DemoProfile } from './demo/demo-profiles.ts';
export { DEMO_CURRENCIES, DEMO_RATE_DAYS, DEMO_RATE_SOURCE } from './demo/demo-rates.ts';

export const DEMO_USERS = [
  { email: 'admin@demo.firm', displayName: 'Ana Admin', firmRole: 'FirmAdmin' },
  { email: 'senior@demo.firm', displayName: 'Sergio Senior', firmRole: 'Senior' },
  { email: 'junior@demo.firm', displayName: 'Julia Junior', firmRole: 'Junior' },
  { email: 'reviewer@demo.firm', displayName: 'Rita Reviewer', firmRole: 'ExternalReviewer' },
  { email: 'client@demo.firm', displayName: 'Carlos Client', firmRole: null },
] as const;

export const DEMO_CLIENTS = [
  { slug: 'cafe-boquete', name: 'Café Boquete, S.A.' },
  { slug: 'ferreteria-colon', name: 'Ferretería Colón, S.A.' },
  { slug: 'clinica-costa', name: 'Clínica Dental Costa del Este' },
  { slug: 'logistica-canal', name: 'Logística Canal, S.A.' },
  { slug: 'panaderia-valle', name: 'Panadería El Valle' },
] as const;

/**
 * The demo clients' legal details (issue 18 §4: a sales document is issued only once they are
 * set): invented RUCs of legal persons whose DV is right by the DGI's algorithm (panamaRucDv).
 */
export const DEMO_LEGAL_DETAILS: Readonly<Record<string, { ruc: string; dv: string; address: string }>> = {
  'cafe-boquete': { ruc: '155711111-2-2022', dv: '01', address: 'Calle Central, Boquete, Chiriquí' },
  'ferreteria-colon': { ruc: '155722222-2-2022', dv: '62', address: 'Avenida Bolívar, Colón' },
  'clinica-costa': { ruc: '155733333-2-2023', dv: '02', address: 'Costa del Este, Ciudad de Panamá' },
  'logistica-canal': { ruc: '155744444-2-2023', dv: '71', address: 'Zona Libre de Colón, Colón' },
  'panaderia-valle': { ruc: '155755555-2-2024', dv: '11', address: 'El Valle de Antón, Coclé' },
};

/** The client the ClientReadOnly demo user may see (exactly one). */
export const DEMO_CLIENT_USER_TENANT = 'cafe-boquete';

const SYSTEM: Actor = { userId: null, email: 'system@cifra', reason: 'demo seed' };

/** A small deterministic generator, so every fresh demo has the same books. */
function prng(seed: number) {
  let s = seed >>> 0;
  return (max: number) => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s % max;
  };
}

/** What a seed did: the clients' books (with `history`) and how long it took in all. */
export interface DemoSeedReport {
  ms: number;
  /** CPU time of this process meanwhile (the database server's is not counted). */
  cpuMs: number;
  clients: DemoClientReport[];
}

/**
 * Seed the demo firm when the control plane is empty: five clients on Panama defaults and the five
 * demo users. With `history` (what `pnpm start` does), two fiscal years of each client's books and
 * rates (ops/src/demo/, docs/demo.md); without it, three weeks of cash sales per client — the small,
 * fixed books the end-to-end tests were written against. Returns null when the firm already existed.
 */
export async function seedDemoFirm(opts: {
  control: ControlDb;
  registry: TenantRegistry;
  secrets: Readonly<Record<string, string | undefined>>;
  now?: Date;
  history?: boolean;
}): Promise<DemoSeedReport | null> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { control: db } = opts;
  const firms = await db.select().from(control.firms).limit(1);
  if (firms.length) return null;
  const firm = await inTransaction(db, SYSTEM, async (tx) => {
    const [f] = await tx.insert(control.firms).values({ slug: 'demo-firm', name: 'Demo Firm' }).returning();
    await tx.insert(control.firmSettings).values([
      { firmId: f!.id, key: 'brandColor', value: '#0A6EBD' },
      { firmId: f!.id, key: 'fxVarianceMode', value: 'SIMPLE' },
      // The currencies of the demo's documents, refreshed daily like any client's.
      ...(opts.history ? [{ firmId: f!.id, key: 'fxCurrencies', value: ['USD', ...DEMO_CURRENCIES] }] : []),
    ]);
    for (const u of DEMO_USERS) {
      const [user] = await tx
        .insert(control.users)
        .values({ email: u.email, displayName: u.displayName })
        .returning();
      await tx
        .insert(control.firmMemberships)
        .values({ firmId: f!.id, userId: user!.id, firmRole: u.firmRole });
    }
    await recordAuditEvent(tx, SYSTEM, {
      action: 'firm.seeded',
      entityType: 'Firm',
      entityId: f!.id,
      firmId: f!.id,
      after: { users: DEMO_USERS.length },
    });
    return f!;
  });
  const tenants = new Map<string, string>();
  for (const [i, c] of DEMO_CLIENTS.entries()) {
    const t = await provisionTenant({ control: db, secrets: opts.secrets }, SYSTEM, firm.id, c);
    tenants.set(c.slug, t.id);
    await setDemoLegalDetails(opts.registry, t.id, c.slug);
    if (!opts.history) await postSampleBooks(opts.registry, t.id, i + 1, opts.now ?? new Date());
  }
  const [clientUser] = await db.select().from(control.users).where(eqEmail('client@demo.firm'));
  const [clientTenant] = await db.select().from(control.tenants).where(eqSlug(DEMO_CLIENT_USER_TENANT));
  await inTransaction(db, SYSTEM, async (tx) => {
    await tx
      .insert(control.tenantRoleAssignments)
      .values({ tenantId: clientTenant!.id, userId: clientUser!.id, role: 'ClientReadOnly' });
    await recordAuditEvent(tx, SYSTEM, {
      action: 'membership.client_role_assigned',
      entityType: 'TenantRoleAssignment',
      entityId: `${clientTenant!.id}:${clientUser!.id}`,
      tenantId: clientTenant!.id,
      after: { email: clientUser!.email, tenant: clientTenant!.slug, role: 'ClientReadOnly' },
    });
  });
  const clients = opts.history
    ? await seedDemoHistory({ control: db, registry: opts.registry, tenants, now: opts.now ?? new Date() })
    : [];
  const used = process.cpuUsage(cpu);
  return {
    ms: Math.round(performance.now() - started),
    cpuMs: Math.round((used.user + used.system) / 1000),
    clients,
  };
}

async function setDemoLegalDetails(registry: TenantRegistry, tenantId: string, slug: string) {
  const legal = DEMO_LEGAL_DETAILS[slug];
  if (!legal) return;
  await inTransaction(await registry.db(tenantId), SYSTEM, (tx) =>
    tx.update(tenant.company).set({ ...legal, rucKind: 'LEGAL', taxRegime: 'Régimen general' }),
  );
}

const eqEmail = (email: string) => eq(control.users.email, email);
const eqSlug = (slug: string) => eq(control.tenants.slug, slug);

/** About three weeks of cash sales with ITBMS and a few expenses, up to today. */
async function postSampleBooks(
  registry: TenantRegistry,
  tenantId: string,
  seed: number,
  now: Date,
): Promise<void> {
  const db = await registry.db(tenantId);
  const company = await loadCompany(db);
  const accounts = await db.select().from(tenant.accounts);
  const roles = await db.select().from(tenant.accountRoleBindings);
  const byRole = (role: string) => roles.find((r) => r.role === role)!.accountId;
  const byType = (type: string) => accounts.filter((a) => a.type === type);
  const sales = byType('INCOME')[0]!.id;
  const expenses = byType('EXPENSE').slice(0, 4);
  const [firstPeriod] = await db
    .select()
    .from(tenant.postingPeriods)
    .orderBy(tenant.postingPeriods.startDate)
    .limit(1);
  const today = DateTime.fromJSDate(now).setZone(company.timezone).startOf('day');
  const start = DateTime.max(
    today.minus({ days: 20 }),
    DateTime.fromISO(firstPeriod!.startDate, { zone: company.timezone }),
  );
  const rand = prng(seed);
  const line = (accountId: string, amountMinor: bigint) => ({
    accountId,
    amountMinor,
    originalCurrency: company.baseCurrency,
    originalAmountMinor: amountMinor,
  });
  for (let day = start; day <= today; day = day.plus({ days: 1 })) {
    const postingDate = day.toISODate()!;
    const net = BigInt(20_000 + rand(180_000));
    const tax = (net * 7n + 50n) / 100n;
    await inTransaction(db, SYSTEM, (tx) =>
      postEntry(tx, SYSTEM, {
        // A day's cash sales post as sales: their ITBMS line is on a control account, which a
        // manual entry may touch only naming a party (migration 0021, control-accounts.ts).
        kind: 'SALES_INVOICE',
        postingDate,
        memo: `Ventas de contado del día (${formatMoney(net, company.baseMinorUnits)} + ITBMS)`,
        lines: [line(byRole('Cash'), net + tax), line(sales, -net), line(byRole('SalesTaxPayable'), -tax)],
      }),
    );
    if (rand(3) === 0) {
      const amount = BigInt(5_000 + rand(60_000));
      const expense = expenses[rand(expenses.length)]!;
      await inTransaction(db, SYSTEM, (tx) =>
        postEntry(tx, SYSTEM, {
          kind: 'MANUAL',
          postingDate,
          memo: `Pago de ${expense.name.toLowerCase()}`,
          lines: [line(expense.id, amount), line(byRole('Cash'), -amount)],
        }),
      );
    }
  }
}

import { type Actor, type ControlDb, control, type TenantRegistry } from '@cifra/db';
import { addDays, fiscalYearOf, fiscalYearPeriods, todayIn } from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import { permissionsOf, type RoleCluster } from '@cifra/permissions';
import { backfillRates, clientSettings } from '@cifra/subgraph-fx';
import { openFiscalYear, type PeriodActor } from '@cifra/subgraph-period';
import { inArray } from 'drizzle-orm';
import { planActivity } from './demo-activity.ts';
import { postPlannedBooks } from './demo-books.ts';
import { closeDemoMonths, type DemoActors } from './demo-closes.ts';
import { DEMO_PROFILES, type DemoProfile } from './demo-profiles.ts';
import { DEMO_CURRENCIES, DEMO_RATE_DAYS, DemoRateProvider } from './demo-rates.ts';
import { hashSeed } from './prng.ts';

export interface DemoClientReport {
  slug: string;
  entries: number;
  documents: number;
  rates: number;
  lockedMonths: number;
  previousYear: string;
  /** Wall time of each step, milliseconds. */
  ms: { rates: number; books: number; closes: number; total: number };
}

/** The people the demo's books are kept by, with their firm roles' permissions. */
async function demoActors(db: ControlDb): Promise<DemoActors> {
  const people = { preparer: 'senior@demo.firm', approver: 'admin@demo.firm', auditor: 'reviewer@demo.firm' };
  const roles: Record<keyof DemoActors, RoleCluster> = {
    preparer: 'Senior',
    approver: 'FirmAdmin',
    auditor: 'ExternalReviewer',
  };
  const users = await db
    .select()
    .from(control.users)
    .where(inArray(control.users.email, Object.values(people)));
  const actor = (who: keyof DemoActors): PeriodActor => {
    const user = users.find((u) => u.email === people[who]);
    if (!user) throw new Error(`the demo firm has no ${people[who]}`);
    return {
      userId: user.id,
      email: user.email,
      reason: 'demo seed',
      permissions: permissionsOf([roles[who]]),
    };
  };
  return { preparer: actor('preparer'), approver: actor('approver'), auditor: actor('auditor') };
}

/**
 * Two fiscal years of the demo clients' books, relative to `now` (docs/demo.md): the previous
 * fiscal year opened, the rate history, the planned activity posted and the months closed to each
 * client's stage. Clients are seeded side by side (each in its own database).
 */
export async function seedDemoHistory(opts: {
  control: ControlDb;
  registry: TenantRegistry;
  tenants: ReadonlyMap<string, string>;
  now: Date;
}): Promise<DemoClientReport[]> {
  const actors = await demoActors(opts.control);
  return Promise.all(
    DEMO_PROFILES.map(async (profile) => {
      const tenantId = opts.tenants.get(profile.slug);
      if (!tenantId) throw new Error(`no demo client ${profile.slug}`);
      return seedClient({ ...opts, tenantId, actors }, profile);
    }),
  );
}

async function seedClient(
  deps: { control: ControlDb; registry: TenantRegistry; tenantId: string; now: Date; actors: DemoActors },
  profile: DemoProfile,
): Promise<DemoClientReport> {
  const started = performance.now();
  const db = await deps.registry.db(deps.tenantId);
  const company = await loadCompany(db);
  const today = todayIn(company.timezone, deps.now);
  const year = fiscalYearOf(today, company.fiscalYearStartMonth);
  await openFiscalYear(db, deps.actors.approver, { year: year - 1 });
  const periods = [
    ...fiscalYearPeriods(year - 1, company.fiscalYearStartMonth),
    ...fiscalYearPeriods(year, company.fiscalYearStartMonth),
  ];
  // Rates for the last 400 days, and from the start of the previous year if that is earlier.
  const from = [addDays(today, 1 - DEMO_RATE_DAYS), periods[0]!.startDate].sort()[0]!;
  const provider = new DemoRateProvider(
    profile.staleCurrency ? { [profile.staleCurrency]: addDays(today, -4) } : {},
  );
  const system: Actor = { userId: null, email: 'system@cifra', reason: 'demo seed: rate history' };
  const lap = (() => {
    let last = started;
    return () => {
      const now = performance.now();
      const ms = Math.round(now - last);
      last = now;
      return ms;
    };
  })();
  const rates = await backfillRates(db, system, provider, { from, to: today, currencies: DEMO_CURRENCIES });
  const ratesMs = lap();
  const months = planActivity(profile, hashSeed(profile.slug), periods, today);
  const posted = await postPlannedBooks(
    { control: deps.control, db, company, tenantId: deps.tenantId, actor: deps.actors.preparer },
    profile,
    months,
  );
  const booksMs = lap();
  const settings = await clientSettings(deps.control, deps.tenantId);
  const closed = await closeDemoMonths(db, deps.actors, profile.close, {
    today,
    fxVarianceMode: settings.fxVarianceMode,
  });
  return {
    slug: profile.slug,
    entries: posted.entries,
    documents: posted.documents,
    rates: rates.stored,
    lockedMonths: closed.locked,
    previousYear: closed.previousYear,
    ms: { rates: ratesMs, books: booksMs, closes: lap(), total: Math.round(performance.now() - started) },
  };
}

import {
  type Actor,
  announceClientChanges,
  type ControlDb,
  control,
  createTenantDatabase,
  discardClaim,
  ensureClientLogins,
  inTransaction,
  onOwnSession,
  opaqueDatabaseName,
  PROVISIONING_LOCK,
  recordAuditEvent,
  resolveSecrets,
  TENANT_DB_SECRET,
  type TenantRow,
  withDatabase,
} from '@cifra/db';
import {
  badInput,
  DomainError,
  idempotencyKeyReused,
  logoUrlSchema,
  PANAMA,
  payloadHash,
  type RegionTemplate,
  tenantExists,
} from '@cifra/domain';
import { and, asc, count, eq } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { seedBooks } from './seed-books.service.ts';

/** Regional configurations a client can be provisioned with. */
export const REGIONS: Readonly<Record<string, RegionTemplate>> = { PA: PANAMA };

/** A client's (or a firm's) slug, as check `tenants_slug_format` holds it. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and dashes, 2 to 40 characters');

export const provisionTenantInput = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(200),
  region: z.string().toUpperCase().nullish(),
  baseCurrency: z.string().toUpperCase().nullish(),
  timezone: z.string().nullish(),
  whiteLabel: z
    .object({
      displayName: z.string().trim().min(1).max(120).nullish(),
      logoUrl: logoUrlSchema.nullish(),
      brandColor: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #0A6EBD')
        .nullish(),
    })
    .nullish(),
  /** A registered database server's name (`pnpm server list`); the accepting one with the fewest clients otherwise. */
  server: z.string().trim().min(1).max(63).nullish(),
  /** A sandbox client: out of the firm's views by default, and deletable (deleteSandboxClient). */
  sandbox: z.boolean().nullish(),
  /** Per firm; bound to the rest of the input (docs/architecture/tenancy.md, "Provisioning"). */
  idempotencyKey: z.string().min(1).max(200).nullish(),
});
export type ProvisionTenantInput = z.input<typeof provisionTenantInput>;

export interface ProvisioningDeps {
  control: ControlDb;
  secrets: Readonly<Record<string, string | undefined>>;
  /** Test seam: runs after the database is migrated, before the books are laid down. */
  afterMigrate?: (databaseName: string) => Promise<void>;
}

function parse(raw: ProvisionTenantInput) {
  const result = provisionTenantInput.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw badInput(`${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  return result.data;
}

/** Advisory-lock namespaces of provisioning (the second key is the slug's hash). */
// PROVISIONING_LOCK ('prov', from @cifra/db): held for the whole attempt; restores hold it too.
const CLAIM_LOCK = 0x636c6169; // 'clai': held only until the attempt's claim row is committed

interface SlugSession {
  /** The control plane on this session's own connection (one pooled connection per attempt). */
  db: ControlDb;
  /** Whether this attempt holds the slug's provisioning lock (no other attempt is live). */
  provisioning: boolean;
  /** The claim row is committed: attempts waiting to look at it may go on. */
  claimed(): Promise<void>;
}

/**
 * Run `fn` on a connection of its own holding the slug's locks, so that they live exactly as
 * long as the attempt: a crashed attempt's session ends and frees them. Only one attempt gets the
 * provisioning lock; the others do not wait for it (that would hold a connection for the length
 * of a migration) but they do wait for the short claim lock, so they see the winner's claim row.
 * Everything an attempt does in the control plane goes through `db`, never a second pooled
 * connection: eight attempts on a pool of four must not starve the one that won.
 */
async function withSlugSession<T>(
  db: ControlDb,
  slug: string,
  fn: (s: SlugSession) => Promise<T>,
): Promise<T> {
  // One session for lock, work and unlock (`onOwnSession`, taken in turn with the other operations
  // that hold one); a single client is its own session.
  return onOwnSession(db, async ({ session, db: own, broke }) => {
    const lock = (fnName: string, ns: number) =>
      session.query<{ held: boolean }>(`SELECT ${fnName}($1, hashtext($2)) AS held`, [ns, slug]);
    let claimHeld = false;
    let provisioning = false;
    const claimed = async () => {
      if (!claimHeld) return;
      claimHeld = false;
      await lock('pg_advisory_unlock', CLAIM_LOCK);
    };
    try {
      await lock('pg_advisory_lock', CLAIM_LOCK);
      claimHeld = true;
      provisioning = (await lock('pg_try_advisory_lock', PROVISIONING_LOCK)).rows[0]?.held === true;
      if (!provisioning) await claimed();
      return await fn({ db: own, provisioning, claimed });
    } finally {
      // A session whose unlock failed may still hold a lock: destroyed rather than pooled.
      await claimed().catch(broke);
      if (provisioning) await lock('pg_advisory_unlock', PROVISIONING_LOCK).catch(broke);
    }
  });
}

/**
 * Onboard a client, all or nothing. The attempt holds the slug's provisioning lock throughout;
 * the tenant row is claimed first (the unique slug settles anything the lock did not), then its
 * database is created, migrated and seeded; only then is the client ACTIVE. Any failure drops the
 * database and the claim, so a retry with the same slug starts clean. A PROVISIONING claim whose
 * lock is free was left by a crashed attempt and is cleaned up by the next one; a concurrent
 * attempt on a slug being provisioned gets TENANT_EXISTS at once — never a second database.
 *
 * Under an idempotency key (per firm), the same input answers the client it created (still
 * PROVISIONING while the first attempt runs) and another input is refused (IDEMPOTENCY_KEY_REUSED);
 * the same input after that client, a sandbox, was deleted is refused CONFLICT, naming its slug.
 */
export async function provisionTenant(
  deps: ProvisioningDeps,
  actor: Actor,
  firmId: string,
  raw: ProvisionTenantInput,
): Promise<TenantRow> {
  const input = parse(raw);
  const template = REGIONS[input.region ?? 'PA'];
  if (!template) throw badInput(`region: no regional configuration for ${input.region}`, { field: 'region' });
  const baseCurrency = input.baseCurrency ?? template.baseCurrency;
  const [currency] = await deps.control
    .select()
    .from(control.currencies)
    .where(eq(control.currencies.code, baseCurrency));
  if (!currency)
    throw badInput(`baseCurrency: ${baseCurrency} is not an ISO 4217 currency`, { field: 'baseCurrency' });
  const timezone = input.timezone ?? template.timezone;
  if (!IANAZone.isValidZone(timezone))
    throw badInput(`timezone: ${timezone} is not an IANA time zone`, { field: 'timezone' });

  // A named server is checked before anything is claimed: refused, the attempt leaves nothing.
  await pickServer(deps.control, input.server ?? null);

  const { idempotencyKey: key, sandbox, ...rest } = input;
  // A live client's payload is as it was before sandboxes existed, so a key's hash still matches.
  const payload = sandbox ? { ...rest, sandbox: true } : rest;
  // The key is bound to what the request asks for: the region's defaults filled in, so that naming
  // them (PA, PAB, America/Panama) is the same request as leaving them out. Rows keyed before that
  // hold the hash of the payload as sent, which a replay as sent still matches.
  const asked = { ...payload, region: input.region ?? 'PA', baseCurrency, timezone };
  const hash = key ? payloadHash('provision_tenant', asked) : null;
  const sentHash = key ? payloadHash('provision_tenant', payload) : null;
  return withSlugSession(deps.control, input.slug, async (session) => {
    const byKey = async (): Promise<TenantRow | null> => {
      if (!key) return null;
      const [first] = await session.db
        .select()
        .from(control.tenants)
        .where(and(eq(control.tenants.firmId, firmId), eq(control.tenants.idempotencyKey, key)));
      if (!first) return null;
      // A deleted sandbox's row keeps a tombstone for its slug: the slug it had is what to name.
      const slug = first.deletedSlug ?? first.slug;
      if (first.idempotencyHash !== hash && first.idempotencyHash !== sentHash)
        throw idempotencyKeyReused(key, first.createdAt, { slug });
      if (first.status === 'DELETED') {
        // Never "success" with a client that no longer exists: a retry must know to start over.
        throw new DomainError(
          'CONFLICT',
          `The sandbox this idempotency key provisioned (${slug}) has been deleted: provision again under a new idempotency key`,
          { idempotencyKey: key, slug, deletedAt: first.deletedAt?.toISOString() ?? null },
        );
      }
      return first;
    };
    const first = await byKey();
    if (!session.provisioning) {
      // Another attempt is live on this slug; its claim is committed (we waited for the claim lock).
      if (first) return first;
      throw tenantExists(input.slug, 'is being provisioned right now');
    }
    if (first && first.status !== 'PROVISIONING') return first;
    return provisionLocked(deps, session, actor, firmId, {
      ...input,
      template,
      baseCurrency,
      timezone,
      minorUnits: currency.minorUnits,
      key: key ?? null,
      hash,
    });
  });
}

type ProvisionInput = ReturnType<typeof parse> & {
  template: RegionTemplate;
  baseCurrency: string;
  timezone: string;
  minorUnits: number;
  key: string | null;
  hash: string | null;
};

async function provisionLocked(
  deps: ProvisioningDeps,
  session: SlugSession,
  actor: Actor,
  firmId: string,
  input: ProvisionInput,
): Promise<TenantRow> {
  const appSecret = deps.secrets[TENANT_DB_SECRET];
  if (!appSecret) throw new Error(`provisioning needs ${TENANT_DB_SECRET} in the services' secrets`);
  const [existing] = await session.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, input.slug));
  if (existing && existing.status !== 'PROVISIONING') throw tenantExists(input.slug);
  if (existing) await discard(deps, session.db, actor, existing, 'leftover of an interrupted provisioning');

  const server = await pickServer(session.db, input.server ?? null);
  const claimed = await claim(session.db, actor, firmId, input, server);
  await session.claimed();
  try {
    await layDownBooks(
      deps,
      actor,
      input,
      resolveSecrets(server.adminUrl, deps.secrets),
      claimed.databaseName,
      appSecret,
    );
    return await activate(session.db, actor, claimed);
  } catch (err) {
    await discard(deps, session.db, actor, claimed, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** The client's row, PROVISIONING, on `server` under a fresh database name, its white-label settings and the event. */
function claim(
  db: ControlDb,
  actor: Actor,
  firmId: string,
  input: ProvisionInput,
  server: { id: string; name: string },
): Promise<TenantRow> {
  const { template, baseCurrency, timezone } = input;
  const databaseName = opaqueDatabaseName();
  return inTransaction(db, actor, async (tx) => {
    const [row] = await tx
      .insert(control.tenants)
      .values({
        firmId,
        slug: input.slug,
        name: input.name,
        region: template.region,
        baseCurrency,
        timezone,
        serverId: server.id,
        databaseName,
        sandbox: input.sandbox === true,
        idempotencyKey: input.key,
        idempotencyHash: input.hash,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw tenantExists(input.slug);
    const overrides = Object.entries(input.whiteLabel ?? {}).filter(([, v]) => v !== null && v !== undefined);
    if (overrides.length) {
      await tx
        .insert(control.tenantSettingOverrides)
        .values(overrides.map(([key, value]) => ({ tenantId: row.id, key, value })));
    }
    await recordAuditEvent(tx, actor, {
      action: 'tenant.provisioning_started',
      entityType: 'Tenant',
      entityId: row.id,
      tenantId: row.id,
      after: {
        slug: row.slug,
        name: row.name,
        region: row.region,
        baseCurrency,
        timezone,
        server: server.name,
        database: databaseName,
        sandbox: row.sandbox,
      },
    });
    return row;
  });
}

/** The client's database: a copy of the migrated template, its logins, then its own books. */
async function layDownBooks(
  deps: ProvisioningDeps,
  actor: Actor,
  input: ProvisionInput,
  adminUrl: string,
  databaseName: string,
  appSecret: string,
): Promise<void> {
  // A copy of the server's template of the current migrations (built on first use): named after
  // their digest, it is migrated exactly as far as this release's migrator would take it.
  await createTenantDatabase(adminUrl, databaseName);
  // The logins (roles of the server, made on its `postgres` database) and the books (rows of the new
  // database) touch nothing of each other's: laid down side by side, a provisioning waits for the
  // longer of the two instead of both. Both settle before a failure is thrown, so the discard that
  // follows it finds every login that was made.
  await bothSettled(
    ensureClientLogins(adminUrl, databaseName, appSecret, deps.secrets),
    (async () => {
      await deps.afterMigrate?.(databaseName);
      await seedBooks(withDatabase(adminUrl, databaseName), actor, {
        legalName: input.name,
        template: input.template,
        baseCurrency: input.baseCurrency,
        baseMinorUnits: input.minorUnits,
        timezone: input.timezone,
      });
    })(),
  );
}

/** Waits for both; then throws the first one's failure, if any. */
async function bothSettled(a: Promise<unknown>, b: Promise<unknown>): Promise<void> {
  const failed = (await Promise.allSettled([a, b])).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The claimed client made ACTIVE, its event written and announced to the close board's read model. */
function activate(db: ControlDb, actor: Actor, claimed: TenantRow): Promise<TenantRow> {
  return inTransaction(db, actor, async (tx) => {
    const [active] = await tx
      .update(control.tenants)
      .set({ status: 'ACTIVE' })
      .where(eq(control.tenants.id, claimed.id))
      .returning();
    // Under the slug's lock nobody else can discard our claim; if it is gone all the same, fail
    // (and roll back) rather than announce a client that does not exist.
    if (!active) throw new Error(`the claim of ${claimed.slug} disappeared during provisioning`);
    await recordAuditEvent(tx, actor, {
      action: 'tenant.provisioned',
      entityType: 'Tenant',
      entityId: claimed.id,
      tenantId: claimed.id,
      after: { slug: claimed.slug, status: 'ACTIVE' },
    });
    // Into the close board's read model with the client (its books were just laid down): the
    // worker's projector reads it within a second, so a firm onboarding many clients does not
    // have the first board read each of them live.
    await announceClientChanges(tx, [claimed.id]);
    return active;
  });
}

/** Remove a half-made client (`discardClaim`, shared with restores); the audit trail keeps the attempt. */
const discard = (deps: ProvisioningDeps, db: ControlDb, actor: Actor, row: TenantRow, why: string) =>
  discardClaim(db, deps.secrets, actor, row, { action: 'tenant.provisioning_failed', why });

/**
 * The named server, if it accepts new clients (SERVER_UNKNOWN, SERVER_NOT_ACCEPTING otherwise);
 * without a name, the server accepting new clients that holds the fewest.
 */
async function pickServer(db: ControlDb, name: string | null) {
  const columns = {
    id: control.dbServers.id,
    name: control.dbServers.name,
    adminUrl: control.dbServers.adminUrl,
    acceptsNewTenants: control.dbServers.acceptsNewTenants,
  };
  if (name !== null) {
    const [named] = await db.select(columns).from(control.dbServers).where(eq(control.dbServers.name, name));
    if (!named)
      throw new DomainError('SERVER_UNKNOWN', `No database server is registered as ${name}`, {
        field: 'server',
        server: name,
      });
    if (!named.acceptsNewTenants)
      throw new DomainError('SERVER_NOT_ACCEPTING', `Database server ${name} takes no new clients`, {
        field: 'server',
        server: name,
      });
    return named;
  }
  const [server] = await db
    .select(columns)
    .from(control.dbServers)
    .leftJoin(control.tenants, eq(control.tenants.serverId, control.dbServers.id))
    .where(eq(control.dbServers.acceptsNewTenants, true))
    .groupBy(control.dbServers.id)
    .orderBy(asc(count(control.tenants.id)), asc(control.dbServers.name))
    .limit(1);
  if (!server) throw new DomainError('TENANT_UNAVAILABLE', 'No database server accepts new clients');
  return server;
}

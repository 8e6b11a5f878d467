import {
  type Actor,
  announceLocationChange,
  type ControlDb,
  control,
  ensureAppRole,
  ensureClientLogins,
  inTransaction,
  isOpaqueDatabaseName,
  opaqueDatabaseName,
  quoteIdent,
  recordAuditEvent,
  resolveSecrets,
  TENANT_DB_SECRET,
  translateDbError,
  withClient,
  withDatabase,
} from '@cifra/db';
import { badInput, DomainError, parseInput } from '@cifra/domain';
import { memberEmailSchema, slugSchema } from '@cifra/subgraph-tenancy';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';

/**
 * Operator actions: what only the firm's operator does, with the control plane's admin connection
 * (the services' role cannot), each recorded in the firm's trail with who ran it.
 */

/** A new firm with its first FirmAdmin (the user is created when the email is new). */
export async function createFirm(
  db: ControlDb,
  operator: Actor,
  input: { name: string; slug?: string; adminEmail: string; adminName?: string },
): Promise<{ firmId: string; slug: string; adminUserId: string }> {
  const {
    name,
    slug,
    adminEmail: email,
  } = parseInput(firmInput, { ...input, slug: input.slug ?? slugOf(input.name) }, 'firm');
  return inTransaction(db, operator, async (tx) => {
    const [firm] = await tx.insert(control.firms).values({ slug, name }).returning();
    if (!firm) throw new Error('the firm was not created');
    let [user] = await tx.select().from(control.users).where(eq(control.users.email, email));
    if (user) {
      const [other] = await tx
        .select()
        .from(control.firmMemberships)
        .where(eq(control.firmMemberships.userId, user.id));
      if (other) throw new DomainError('CONFLICT', `${email} already belongs to a firm`, { email });
    } else {
      [user] = await tx
        .insert(control.users)
        .values({ email, displayName: input.adminName?.trim() || email.split('@')[0] || email })
        .returning();
    }
    if (!user) throw new Error('the admin was not created');
    await tx
      .insert(control.firmMemberships)
      .values({ firmId: firm.id, userId: user.id, firmRole: 'FirmAdmin' });
    await recordAuditEvent(tx, operator, {
      action: 'firm.created',
      entityType: 'Firm',
      entityId: firm.id,
      firmId: firm.id,
      after: { slug, name: firm.name, admin: email },
    });
    return { firmId: firm.id, slug, adminUserId: user.id };
  }).catch((err: unknown) => {
    // A taken slug says so in words (firms_slug_unique), not as the failed insert.
    throw translateDbError(err) ?? err;
  });
}

// A firm's slug and admin are checked as a client's slug and a member's email are.
const firmInput = z.object({
  name: z.string().trim().min(1).max(200),
  slug: slugSchema,
  adminEmail: memberEmailSchema,
});

const slugOf = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'firm';

/**
 * Point a client at another database (after a copy made by other means), optionally on another
 * registered server: the database must exist there, under an opaque name (`cifra_c_` and 24 hex
 * digits: every login on a server sees the names), and hold no other client's books. The client's logins are made for it before the
 * directory changes. Running services pick the new location up within their location cache's
 * lifetime (30 s); stop writes to the client while it moves.
 */
export async function repointClient(
  db: ControlDb,
  operator: Actor,
  input: {
    slug: string;
    databaseName: string;
    serverName?: string;
    secrets: Readonly<Record<string, string | undefined>>;
  },
): Promise<{
  tenantId: string;
  from: { server: string; database: string };
  to: { server: string; database: string };
}> {
  if (!isOpaqueDatabaseName(input.databaseName))
    throw badInput(
      `database: a client database's name must reveal nothing about it; copy the books to a name such as ${opaqueDatabaseName()}`,
      { field: 'database' },
    );
  const [tenant] = await db.select().from(control.tenants).where(eq(control.tenants.slug, input.slug));
  if (!tenant) throw new DomainError('NOT_FOUND', `No client ${input.slug}`, { tenant: input.slug });
  await refuseTakenDatabase(db, tenant.id, input.databaseName);
  const servers = await db.select().from(control.dbServers);
  const current = servers.find((s) => s.id === tenant.serverId);
  const target = input.serverName ? servers.find((s) => s.name === input.serverName) : current;
  if (!current || !target) throw new DomainError('NOT_FOUND', `No registered server ${input.serverName}`, {});
  const adminUrl = resolveSecrets(target.adminUrl, input.secrets);
  const exists = await withClient(
    withDatabase(adminUrl, 'postgres'),
    async (c) =>
      (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [input.databaseName])).rowCount === 1,
  );
  if (!exists) {
    throw new DomainError(
      'NOT_FOUND',
      `No database ${quoteIdent(input.databaseName)} on server ${target.name}`,
      {},
    );
  }
  const appSecret = input.secrets[TENANT_DB_SECRET];
  if (!appSecret) throw new Error(`moving a client needs ${TENANT_DB_SECRET}`);
  await ensureAppRole(adminUrl);
  await ensureClientLogins(adminUrl, input.databaseName, appSecret, input.secrets);
  const from = { server: current.name, database: tenant.databaseName };
  const to = { server: target.name, database: input.databaseName };
  await inTransaction(db, operator, async (tx) => {
    await tx
      .update(control.tenants)
      .set({ databaseName: input.databaseName, serverId: target.id })
      .where(eq(control.tenants.id, tenant.id));
    await announceLocationChange(tx, tenant.id);
    await recordAuditEvent(tx, operator, {
      action: 'tenant.moved',
      entityType: 'Tenant',
      entityId: tenant.id,
      tenantId: tenant.id,
      firmId: tenant.firmId,
      before: from,
      after: to,
    });
  });
  return { tenantId: tenant.id, from, to };
}

/**
 * A database holds one client's books: one that another client's directory entry names (a deleted
 * sandbox's included: its name stays unique), or one a restore in place or a move replaced and the
 * sweep will drop after its days, is refused in words before anything is touched — before, the
 * unique index refused the directory update with its SQL, after the other client's logins had been
 * made again on that database.
 */
async function refuseTakenDatabase(db: ControlDb, tenantId: string, databaseName: string): Promise<void> {
  const [other] = await db
    .select({ slug: control.tenants.slug, deletedSlug: control.tenants.deletedSlug })
    .from(control.tenants)
    .where(and(eq(control.tenants.databaseName, databaseName), ne(control.tenants.id, tenantId)));
  if (other) {
    const slug = other.deletedSlug ?? other.slug;
    throw new DomainError('CONFLICT', `Database ${databaseName} holds the books of client ${slug}`, {
      field: 'database',
      database: databaseName,
      tenant: slug,
    });
  }
  const R = control.restoreInPlaceRequests;
  const [replaced] = await db
    .select({ slug: R.tenantSlug, keepUntil: R.keepUntil })
    .from(R)
    .where(and(eq(R.replacedDatabaseName, databaseName), isNull(R.droppedAt)));
  if (replaced)
    throw new DomainError(
      'CONFLICT',
      `Database ${databaseName} is the one a restore or move of client ${replaced.slug} replaced: it is kept until ${replaced.keepUntil?.toISOString() ?? 'its sweep'} and then dropped`,
      { field: 'database', database: databaseName, tenant: replaced.slug },
    );
}

/**
 * Retire a console manifest version (`pnpm console-versions retire`): a tab still running that build
 * is refused its documents from then on (PERSISTED_DOCUMENT_NOT_FOUND) until it is reloaded onto
 * the served build; registering the version again does not bring it back. Recorded in the trail.
 */
export async function retireConsoleVersion(
  db: ControlDb,
  operator: Actor,
  version: string,
): Promise<{ version: string; retiredAt: Date }> {
  const versions = control.consoleManifestVersions;
  return inTransaction(db, operator, async (tx) => {
    const [row] = await tx.select().from(versions).where(eq(versions.version, version)).for('update');
    if (!row) throw new DomainError('NOT_FOUND', `No console version ${version} is registered`, { version });
    if (row.retiredAt) {
      throw new DomainError(
        'CONFLICT',
        `Console version ${version} was retired at ${row.retiredAt.toISOString()}`,
        {
          version,
          retiredAt: row.retiredAt.toISOString(),
        },
      );
    }
    const [retired] = await tx
      .update(versions)
      .set({ retiredAt: new Date() })
      .where(eq(versions.version, version))
      .returning();
    await recordAuditEvent(tx, operator, {
      action: 'console_version.retired',
      entityType: 'ConsoleManifestVersion',
      entityId: version,
      before: { retiredAt: null },
      after: { retiredAt: retired!.retiredAt!.toISOString() },
    });
    return { version, retiredAt: retired!.retiredAt as Date };
  });
}

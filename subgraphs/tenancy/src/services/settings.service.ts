import {
  type Actor,
  type ControlDb,
  control,
  inTransaction,
  recordAuditEvent,
  type TenantRow,
} from '@cifra/db';
import { badInput, effectiveSettings, type Settings, settingKeys, settingsSchema } from '@cifra/domain';
import { and, eq, inArray } from 'drizzle-orm';
import { type ClientManager, managedClient } from './managed-client.ts';

const asRecord = (rows: { key: string; value: unknown }[]) =>
  Object.fromEntries(rows.map((r) => [r.key, r.value])) as Record<string, unknown>;

/** The firm's master settings, as the firm set them (keys it never set are absent). */
export async function firmSettingValues(db: ControlDb, firmId: string): Promise<Record<string, unknown>> {
  return asRecord(
    await db.select().from(control.firmSettings).where(eq(control.firmSettings.firmId, firmId)),
  );
}

/** A client's own overrides (keys it does not override are absent). */
export async function clientOverrides(db: ControlDb, tenantId: string): Promise<Record<string, unknown>> {
  return asRecord(
    await db
      .select()
      .from(control.tenantSettingOverrides)
      .where(eq(control.tenantSettingOverrides.tenantId, tenantId)),
  );
}

/** The firm's master settings overlaid with the client's own overrides. */
export async function settingsOf(db: ControlDb, t: TenantRow): Promise<Settings> {
  const [firm, overrides] = await Promise.all([firmSettingValues(db, t.firmId), clientOverrides(db, t.id)]);
  return effectiveSettings(firm, overrides);
}

export interface SettingsChange {
  /** Keys to set, each validated by the settings schema (packages/domain/src/settings.ts). */
  set?: unknown;
  /** Keys to clear: the firm's value (or the default) applies again. */
  clear?: readonly string[] | null;
  reason?: string | null;
}

const known = new Set<string>(settingKeys);

/** Validate a change before anything is written: known keys, valid values, no key both set and cleared. */
function parseChange(change: SettingsChange): { set: Record<string, unknown>; clear: string[] } {
  const raw = change.set ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw badInput('set must be an object of setting keys to values', { field: 'set' });
  }
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!known.has(key)) {
      throw badInput(`set.${key}: not a setting; the settings are ${settingKeys.join(', ')}`, {
        field: `set.${key}`,
      });
    }
    if (value === null || value === undefined) {
      throw badInput(`set.${key}: give a value, or list the key in clear`, { field: `set.${key}` });
    }
    const parsed = settingsSchema.shape[key as keyof Settings].safeParse(value);
    if (!parsed.success) {
      throw badInput(`set.${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`, {
        field: `set.${key}`,
      });
    }
    set[key] = parsed.data;
  }
  const clear = [...new Set(change.clear ?? [])];
  for (const key of clear) {
    if (!known.has(key)) throw badInput(`clear: ${key} is not a setting`, { field: 'clear' });
    if (key in set) throw badInput(`${key} is both set and cleared`, { field: 'clear' });
  }
  if (!clear.length && !Object.keys(set).length) throw badInput('Nothing to change', { field: 'set' });
  return { set, clear };
}

const pick = (values: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, values[k] ?? null]));

/**
 * Change the firm's master settings (every client inherits them unless it overrides a key). One
 * transaction: the rows, their history and the firm-level audit event with the before and after of
 * each changed key.
 */
export async function updateFirmSettings(
  db: ControlDb,
  actor: Actor,
  firmId: string,
  change: SettingsChange,
): Promise<Record<string, unknown>> {
  const { set, clear } = parseChange(change);
  const reason = change.reason?.trim() || null;
  return inTransaction(db, { ...actor, reason }, async (tx) => {
    const t = control.firmSettings;
    const before = asRecord(await tx.select().from(t).where(eq(t.firmId, firmId)).for('update'));
    for (const [key, value] of Object.entries(set)) {
      await tx
        .insert(t)
        .values({ firmId, key, value })
        .onConflictDoUpdate({ target: [t.firmId, t.key], set: { value } });
    }
    if (clear.length) await tx.delete(t).where(and(eq(t.firmId, firmId), inArray(t.key, clear)));
    const after = asRecord(await tx.select().from(t).where(eq(t.firmId, firmId)));
    // The result must still be a valid whole (defaults fill what the firm never set).
    settingsSchema.parse(after);
    const keys = [...Object.keys(set), ...clear];
    await recordAuditEvent(tx, actor, {
      action: 'firm.settings_updated',
      entityType: 'Firm',
      entityId: firmId,
      before: pick(before, keys),
      after: pick(after, keys),
      reason,
      tenantId: null,
      firmId,
    });
    return after;
  });
}

/** Change one client's overrides of the firm's settings; a cleared key follows the firm again. */
export async function updateClientSettings(
  db: ControlDb,
  who: ClientManager,
  slug: string,
  change: SettingsChange,
): Promise<TenantRow> {
  const { set, clear } = parseChange(change);
  const reason = change.reason?.trim() || null;
  const { actor, firmId } = who;
  const client = await managedClient(db, who, { slug });
  return inTransaction(db, { ...actor, reason }, async (tx) => {
    const t = control.tenantSettingOverrides;
    const before = asRecord(await tx.select().from(t).where(eq(t.tenantId, client.id)).for('update'));
    for (const [key, value] of Object.entries(set)) {
      await tx
        .insert(t)
        .values({ tenantId: client.id, key, value })
        .onConflictDoUpdate({ target: [t.tenantId, t.key], set: { value } });
    }
    if (clear.length) await tx.delete(t).where(and(eq(t.tenantId, client.id), inArray(t.key, clear)));
    const after = asRecord(await tx.select().from(t).where(eq(t.tenantId, client.id)));
    const firm = asRecord(
      await tx.select().from(control.firmSettings).where(eq(control.firmSettings.firmId, firmId)),
    );
    settingsSchema.parse({ ...firm, ...after });
    const keys = [...Object.keys(set), ...clear];
    await recordAuditEvent(tx, actor, {
      action: 'tenant.settings_updated',
      entityType: 'Tenant',
      entityId: client.id,
      before: { overrides: pick(before, keys) },
      after: { overrides: pick(after, keys) },
      reason,
      tenantId: client.id,
      firmId,
    });
    return client;
  });
}

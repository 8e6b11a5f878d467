import { type Actor, type ControlDb, control, inTransaction, recordAuditEvent } from '@cifra/db';
import { parseLocale } from '@cifra/domain';
import { eq } from 'drizzle-orm';

export interface FirmRow {
  id: string;
  slug: string;
  name: string;
  locale: string;
}

const firmColumns = {
  id: control.firms.id,
  slug: control.firms.slug,
  name: control.firms.name,
  locale: control.firms.locale,
};

/**
 * Set the firm's locale (issue 15 §5): validated before anything is written (UNSUPPORTED_LOCALE),
 * stored canonical, audited as `firm.locale_updated` with the before and after. The same locale
 * again is answered unchanged, with no audit event.
 */
export async function updateFirmLocale(
  db: ControlDb,
  actor: Actor,
  firmId: string,
  change: { locale: string; reason?: string | null },
): Promise<FirmRow> {
  const locale = parseLocale(change.locale);
  const reason = change.reason?.trim() || null;
  return inTransaction(db, { ...actor, reason }, async (tx) => {
    const t = control.firms;
    const [before] = await tx.select(firmColumns).from(t).where(eq(t.id, firmId)).for('update');
    if (!before) throw new Error(`firm ${firmId} is missing`);
    if (before.locale === locale) return before;
    const [after] = await tx.update(t).set({ locale }).where(eq(t.id, firmId)).returning(firmColumns);
    await recordAuditEvent(tx, actor, {
      action: 'firm.locale_updated',
      entityType: 'Firm',
      entityId: firmId,
      before: { locale: before.locale },
      after: { locale },
      reason,
      tenantId: null,
      firmId,
    });
    return after!;
  });
}

import { z } from 'zod';
import { ISO_4217 } from './currencies.ts';

/** The codes a refresh can be asked for: ISO 4217's current currencies (control migration 0037). */
const KNOWN_CURRENCIES = new Set(ISO_4217.map((c) => c.code));

/** A PNG or JPEG as a base64 `data:` URL, its bytes the first group: the logo documents draw. */
export const LOGO_DATA_URL = /^data:image\/(?:png|jpe?g);base64,([A-Za-z0-9+/=\s]+)$/i;

/** A logo given as a data: URL is kept in the settings: at most this many characters (about 300 KB). */
export const LOGO_URL_MAX = 400_000;

/**
 * A logo the product may show: an `https:` URL, or a PNG or JPEG as a base64 `data:` URL (the one
 * form documents draw, docs/architecture/documents.md). Anything else — `javascript:`, `data:text/html`,
 * `http:`, `file:` — is refused: a frontend putting the value in an `<img>` or a link must not be
 * handed a script or a page.
 */
export const logoUrlSchema = z
  .string()
  .max(LOGO_URL_MAX, `at most ${LOGO_URL_MAX} characters`)
  .refine(
    (v) => LOGO_DATA_URL.test(v) || isHttpsUrl(v),
    'an https: URL, or a PNG or JPEG as a data:image/…;base64, URL',
  );

function isHttpsUrl(v: string): boolean {
  if (!/^https:\/\//i.test(v)) return false;
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Settings the firm sets once (master) and each client may override. Effective settings are the
 * defaults, overlaid by the firm's master values, overlaid by the client's overrides.
 */
export const settingsSchema = z.object({
  displayName: z.string().min(1).max(120).optional(),
  logoUrl: logoUrlSchema.optional(),
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #0A6EBD')
    .optional(),
  fxVarianceMode: z.enum(['SIMPLE', 'SEPARATED']).default('SIMPLE'),
  fxRefreshLocalTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as 00:15')
    .default('00:15'),
  fxStalenessDays: z.number().int().min(0).max(366).default(7),
  /**
   * Receipts: a remainder this small (base-currency minor units) left on an invoice is closed to
   * the SmallDifferences role instead of staying open. 0, the default, is off.
   */
  receiptToleranceMinor: z.number().int().min(0).max(100_000).default(0),
  /** The close exceptions inbox flags a month still open this many days after it ended. */
  closeOverdueDays: z.number().int().min(0).max(366).default(10),
  /** … and a close waiting for approval longer than this many days. */
  closeApprovalOverdueDays: z.number().int().min(0).max(366).default(3),
  /** Foreign currencies the daily refresh fetches for the client (its base currency is never fetched). */
  fxCurrencies: z
    .array(
      z
        .string()
        .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
        .refine((code) => KNOWN_CURRENCIES.has(code), 'not an ISO 4217 currency this system knows'),
    )
    .max(60)
    .default(['USD', 'EUR']),
  /**
   * Which configured rate provider the daily refresh asks (`ECB` unless the firm chooses another):
   * a provider's id, letters, digits and `_ . -`. One the worker does not configure is refused by
   * the refresh, which its status then shows (`fxRefreshStatus`).
   */
  fxProvider: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$/, "a rate provider's id, such as ECB")
    .default('ECB'),
  /** Local time of the client's daily backup, in its own time zone (docs/architecture/backups.md). */
  backupLocalTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as 02:00')
    .default('02:00'),
  /** Retention (docs/architecture/backups.md): the newest backup of each of the last N local days… */
  backupKeepDailyDays: z.number().int().min(0).max(3660).default(35),
  /** … of each of the last N months … */
  backupKeepMonthlyMonths: z.number().int().min(0).max(1200).default(24),
  /** … and of each of the last N years. */
  backupKeepYearlyYears: z.number().int().min(0).max(100).default(10),
  /** The close board and exceptions flag a client with no verified backup taken in this many days. */
  backupVerifiedMaxAgeDays: z.number().int().min(0).max(366).default(10),
  /**
   * Recurring journal templates post their entries directly instead of leaving drafts for someone
   * to approve (docs/architecture/posting.md, "Recurring and reversing entries").
   */
  recurringEntriesAutoPost: z.boolean().default(false),
});

export type Settings = z.infer<typeof settingsSchema>;
export const settingKeys = Object.keys(settingsSchema.shape) as (keyof Settings)[];

export function effectiveSettings(
  firm: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
): Settings {
  return settingsSchema.parse({ ...firm, ...overrides });
}

import type { Settings } from '@cifra/domain';
import type { RoleCluster } from '@cifra/permissions';

/**
 * GraphQL enum values (SCREAMING_SNAKE, the schema's one convention) → the names used inside, by
 * the code and the database. They are the enums' resolvers, so resolvers keep receiving and
 * returning the inside names, and schema/codegen.ts types the generated code from them.
 * schema/test/enum-values.test.ts checks each map against its schema enum and its inside list.
 */
export const enumValues = {
  RoleCluster: {
    FIRM_ADMIN: 'FirmAdmin',
    SENIOR: 'Senior',
    JUNIOR: 'Junior',
    EXTERNAL_REVIEWER: 'ExternalReviewer',
    CLIENT_READ_ONLY: 'ClientReadOnly',
    NO_ACCESS: 'NoAccess',
  } as const satisfies Record<string, RoleCluster>,
  SettingKey: {
    DISPLAY_NAME: 'displayName',
    LOGO_URL: 'logoUrl',
    BRAND_COLOR: 'brandColor',
    FX_VARIANCE_MODE: 'fxVarianceMode',
    FX_REFRESH_LOCAL_TIME: 'fxRefreshLocalTime',
    FX_STALENESS_DAYS: 'fxStalenessDays',
    CLOSE_OVERDUE_DAYS: 'closeOverdueDays',
    CLOSE_APPROVAL_OVERDUE_DAYS: 'closeApprovalOverdueDays',
    FX_CURRENCIES: 'fxCurrencies',
    FX_PROVIDER: 'fxProvider',
    BACKUP_LOCAL_TIME: 'backupLocalTime',
    BACKUP_KEEP_DAILY_DAYS: 'backupKeepDailyDays',
    BACKUP_KEEP_MONTHLY_MONTHS: 'backupKeepMonthlyMonths',
    BACKUP_KEEP_YEARLY_YEARS: 'backupKeepYearlyYears',
    BACKUP_VERIFIED_MAX_AGE_DAYS: 'backupVerifiedMaxAgeDays',
  } as const satisfies Record<string, keyof Settings>,
};

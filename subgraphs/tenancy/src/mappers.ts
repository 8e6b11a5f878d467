import type { RoleName, TenantRow } from '@cifra/db';
import type { Settings } from '@cifra/domain';

/** A client as the caller sees it: the control-plane row and, when known, the caller's role there. */
export type Tenant = TenantRow & { role?: RoleName | null };

/** `me` resolves its firm lazily from the firm id. */
export interface Me {
  id: string;
  email: string;
  displayName: string;
  firmRole: RoleName | null;
  mayManagePeople: boolean;
  mayReadFirmAudit: boolean;
  mayReadFirmDashboard: boolean;
  mayDeactivatePeople: boolean;
  grantableRoles: RoleName[];
  firm: string;
}

export type Firm = { id: string; slug: string; name: string; locale: string };

export type FirmMember = import('./services/members.service.ts').FirmMember;
export type ClientRole = import('./services/members.service.ts').ClientRole;

/** A client's settings are read when asked for, from the client row. */
export type ClientSettings = { tenant: TenantRow };
/** Settings as stored (the firm's masters or a client's overrides): validated keys to values. */
export type SettingValues = Record<string, unknown>;
/** Settings as they apply (packages/domain/src/settings.ts). */
export type EffectiveSettings = Settings;

export type Integration = import('./services/integrations.service.ts').IntegrationRow;
/** A grant resolves its client from the row's tenant id. */
export type IntegrationGrant = import('./services/integrations.service.ts').GrantRow;
export type IntegrationFirmGrant = import('./services/integration-firm-access.service.ts').FirmGrantRow;
export type IntegrationSecret = import('./services/integrations.service.ts').SecretRow;
export type NewIntegrationSecret = { secret: string; row: IntegrationSecret };
export type IntegrationUsage = import('@cifra/db').IntegrationUsageRow;
export type TrustedDocumentVersion = import('./services/trusted-documents.service.ts').TrustedDocumentVersion;
export type ClientBackup = import('@cifra/db').control.ClientBackupRow;
export type BackupLegalHold = import('@cifra/db').control.BackupLegalHoldRow;
export type RestoreInPlaceRequest = import('./services/backups.service.ts').RestoreRequestView;
export type SandboxDeletion = import('./services/sandbox-clients.service.ts').SandboxDeletion;

export * from './backup-client.service.ts';
export * from './backup-keys.ts';
export * from './backup-manifest.ts';
export * from './backup-owner.ts';
export * from './backup-schedule.ts';
export * from './backup-store.ts';
export * from './directory-backup.store.ts';
export * from './restore-client.service.ts';

import { describe, expect, it } from 'vitest';
import { backupS3Of, readEnv } from '../src/env.ts';

describe('where backups go', () => {
  it('a directory unless BACKUP_S3_URL names a bucket', () => {
    expect(backupS3Of(readEnv({}))).toBeUndefined();
    expect(
      backupS3Of(
        readEnv({
          BACKUP_S3_URL: 's3://firm-backups/cifra/prod/',
          BACKUP_S3_ENDPOINT: 'http://minio.internal:9000',
          BACKUP_S3_REGION: 'eu-west-1',
        }),
      ),
    ).toEqual({
      bucket: 'firm-backups',
      prefix: 'cifra/prod',
      endpoint: 'http://minio.internal:9000',
      region: 'eu-west-1',
    });
    expect(backupS3Of(readEnv({ BACKUP_S3_URL: 's3://firm-backups' }))).toMatchObject({
      bucket: 'firm-backups',
      prefix: '',
    });
  });

  it('refuses what is not an s3:// bucket address', () => {
    for (const bad of ['https://firm-backups/x', 's3://', 's3://UPPER/x', 'firm-backups'])
      expect(() => readEnv({ BACKUP_S3_URL: bad })).toThrow(/s3:\/\/<bucket>\/<prefix>/);
  });
});

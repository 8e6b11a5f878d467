import { rm } from 'node:fs/promises';
import path from 'node:path';
import { makeTestDir } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedPostgres } from '../src/embedded.ts';
import { withClient } from '../src/index.ts';

/**
 * An embedded server started with settings beyond its defaults (`settings`, which the benchmarks use
 * to keep statement statistics): each reaches the server, a library to preload included.
 */
let dir: string;
let server: EmbeddedServer;

beforeAll(async () => {
  dir = await makeTestDir('cifra-settings-pg-');
  server = await startEmbeddedPostgres({
    dir: path.join(dir, 'pg'),
    password: 'settings',
    durable: false,
    settings: {
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track': 'all',
      application_name: 'cifra settings test',
      work_mem: '7MB',
    },
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('an embedded server’s own settings', () => {
  it('passes each to the server, a value with a space and a preloaded library included', async () => {
    const seen = await withClient(server.url, async (c) => {
      await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const r = await c.query(
        `SELECT current_setting('work_mem') AS work_mem,
                current_setting('pg_stat_statements.track') AS track,
                (SELECT setting FROM pg_settings WHERE name = 'application_name') AS default_name,
                (SELECT count(*) >= 0 FROM pg_stat_statements) AS statements`,
      );
      return r.rows[0];
    });
    expect(seen).toEqual({
      work_mem: '7MB',
      track: 'all',
      default_name: 'cifra settings test',
      statements: true,
    });
  });
});

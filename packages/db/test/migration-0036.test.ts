import { readFileSync } from 'node:fs';
import { createTestControlDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../src/index.ts';

/**
 * Control migration 0036 for settings stored before it: a logo that is not an https: URL or a PNG
 * or JPEG data: URL (what logoUrlSchema now takes) is cleared, every other setting kept. Its
 * statements run again on a control plane holding such values, as one before 0036 could.
 */
const migration = readFileSync(new URL('../migrations/control/0036_logo_urls.sql', import.meta.url), 'utf8')
  .split('--> statement-breakpoint')
  .join(';');

let db: TestDatabase;
const admin = (sql: string, params: unknown[] = []) => withClient(db.adminUrl, (c) => c.query(sql, params));

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const KEPT = ['https://logos.example.test/a.png', PNG];
const CLEARED = [
  'javascript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD4=',
  'http://logos.example.test/a.png',
  `data:image/png;base64,${'A'.repeat(400_000)}`,
];

beforeAll(async () => {
  db = await createTestControlDatabase();
});
afterAll(() => db?.drop());

describe('migration 0036 on settings stored before it', () => {
  it('clears the logos a frontend must not be handed, and keeps the rest', async () => {
    const values = [...KEPT, ...CLEARED];
    for (const [i, logo] of values.entries()) {
      const firm = (
        await admin("INSERT INTO firms (slug, name) VALUES ($1, 'F') RETURNING id", [`logo-firm-${i}`])
      ).rows[0].id as string;
      await admin('INSERT INTO firm_settings (firm_id, key, value) VALUES ($1, $2, $3), ($1, $4, $5)', [
        firm,
        'logoUrl',
        JSON.stringify(logo),
        'brandColor',
        JSON.stringify('#0A6EBD'),
      ]);
    }
    await admin(migration);
    const rows = (
      await admin(
        `SELECT f.slug, s.key, s.value #>> '{}' AS value FROM firm_settings s JOIN firms f ON f.id = s.firm_id
          WHERE f.slug LIKE 'logo-firm-%' ORDER BY f.slug, s.key`,
      )
    ).rows as { slug: string; key: string; value: string }[];
    const logos = rows.filter((r) => r.key === 'logoUrl').map((r) => r.value);
    expect(logos.sort()).toEqual([...KEPT].sort());
    expect(rows.filter((r) => r.key === 'brandColor')).toHaveLength(values.length);
  });
});

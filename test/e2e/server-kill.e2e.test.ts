import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { control, withClient, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes, gql } from '../support/client.ts';

/**
 * The embedded PostgreSQL server killed with SIGKILL while three clients post: the process stays
 * up (this test runs in it), the supervisor starts the server again, every acknowledged posting is
 * in the books, nothing unacknowledged is half-written, and postings succeed again — with fsync on,
 * as the product runs.
 */
let stack: Stack;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'cifra-kill-'));
  // As root the server runs as the postgres user, who must be able to enter this directory.
  await chmod(dataDir, 0o755);
  stack = await startStack({ dataDir, port: 0, log: pino({ level: 'silent' }) });
}, 300_000);
afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const CLIENTS = ['cafe-boquete', 'ferreteria-colon', 'clinica-costa'];
const POST = 'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }';

describe('the embedded server killed under load', () => {
  it('is restarted, keeps every acknowledged posting, and half-writes nothing', {
    timeout: 300_000,
  }, async () => {
    const token = await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm');
    const acknowledged = new Map<string, string[]>(CLIENTS.map((c) => [c, []]));
    const refusals = new Set<string>();
    let killed = false;
    const afterKill = new Map<string, number>(CLIENTS.map((c) => [c, 0]));
    const poster = async (slug: string) => {
      const post = gql(stack.gatewayUrl, token, slug, { allowInternal: true });
      for (let i = 0; i < 2_000; i++) {
        if (killed && (afterKill.get(slug) ?? 0) >= 3) return;
        const r = await post<{ postJournalEntry: { id: string } }>(POST, {
          input: {
            postingDate: clientToday(),
            memo: `kill test ${i}`,
            idempotencyKey: `kill-${slug}-${i}`,
            lines: [
              { accountCode: '1110', debit: '1.00' },
              { accountCode: '4101', credit: '1.00' },
            ],
          },
        }).catch(
          () =>
            ({ status: 0, errors: [{ message: 'no answer', extensions: { code: 'NO_ANSWER' } }] }) as never,
        );
        if (r.data?.postJournalEntry) {
          acknowledged.get(slug)?.push(r.data.postJournalEntry.id);
          if (killed) afterKill.set(slug, (afterKill.get(slug) ?? 0) + 1);
        } else {
          for (const code of codes(r)) refusals.add(String(code));
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    };
    const posting = Promise.all(CLIENTS.map(poster));
    while (CLIENTS.some((c) => (acknowledged.get(c)?.length ?? 0) < 5))
      await new Promise((res) => setTimeout(res, 20));
    const pid = stack.embedded?.pid();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, 'SIGKILL');
    killed = true;
    await posting;

    expect(stack.embedded?.pid()).not.toBe(pid);
    for (const c of CLIENTS) expect(afterKill.get(c)).toBeGreaterThanOrEqual(3);
    // Refusals while the server was down are the documented ones; never an internal error.
    for (const code of refusals)
      expect(['TENANT_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'NO_ANSWER']).toContain(code);

    const serverUrl = stack.embedded?.url as string;
    for (const slug of CLIENTS) {
      const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
      await withClient(withDatabase(serverUrl, t!.databaseName), async (c) => {
        const ids = acknowledged.get(slug) ?? [];
        const found = await c.query(
          'SELECT count(*)::int AS n FROM journal_entries WHERE id = ANY($1::uuid[])',
          [ids],
        );
        expect(found.rows[0].n).toBe(ids.length);
        const halfWritten = await c.query(
          `SELECT count(*)::int AS n FROM journal_entries e
            WHERE NOT EXISTS (SELECT 1 FROM gl_lines l WHERE l.entry_id = e.id)
               OR (SELECT sum(amount_minor) FROM gl_lines l WHERE l.entry_id = e.id) <> 0`,
        );
        expect(halfWritten.rows[0].n).toBe(0);
      });
    }
  });
});

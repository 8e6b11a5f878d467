import { CHECKPOINT_SECRET, control, takeCheckpoint, withClient } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The books bound into the audit chain, tried as a superuser would tamper with them: straight in
 * each client's database, with the append-only triggers switched off (replica mode).
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

const VERIFY = `{ verifyBooks { ok checked firstMismatch { entryId number problem } checkpoint { ok chainSeq problem } }
  verifyAuditChain { ok firstBrokenLink { problem } } }`;
type Verified = {
  verifyBooks: {
    ok: boolean;
    checked: number;
    firstMismatch: { entryId: string; number: string; problem: string } | null;
    checkpoint: { ok: boolean; chainSeq: string | null; problem: string | null };
  };
  verifyAuditChain: { ok: boolean; firstBrokenLink: { problem: string } | null };
};
const verify = async (slug: string) => {
  const r = await t.as('reviewer', slug)<Verified>(VERIFY);
  expect(r.errors).toBeUndefined();
  return r.data as Verified;
};
/** As the owner, with every trigger off for this one session: what only a superuser could do. */
const tamper = (slug: string, sql: string) =>
  t.tenantSql(slug, `SET session_replication_role = replica; ${sql}`);
const anEntry = async (slug: string) =>
  (
    await t.tenantSql<{ id: string; number: string }>(
      slug,
      'SELECT id, number FROM journal_entries ORDER BY posting_date, number LIMIT 1',
    )
  )[0]!;

describe('verifyBooks', () => {
  it('finds every entry matching its posting, and each posting event carries the digest', async () => {
    for (const slug of ['cafe-boquete', 'ferreteria-colon']) {
      const v = await verify(slug);
      expect(v.verifyBooks).toMatchObject({ ok: true, firstMismatch: null });
      expect(v.verifyBooks.checked).toBeGreaterThan(3);
    }
    const events = await t.tenantSql<{ digest: string | null }>(
      'cafe-boquete',
      `SELECT after->>'linesDigest' AS digest FROM audit_events WHERE action = 'journal_entry.posted'`,
    );
    expect(events.length).toBeGreaterThan(3);
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.digest ?? ''))).toBe(true);
  });

  it('names an entry whose amount a superuser multiplied by 100, while the chain alone stays green', async () => {
    const e = await anEntry('cafe-boquete');
    await tamper(
      'cafe-boquete',
      `UPDATE gl_lines SET amount_minor = amount_minor * 100 WHERE entry_id = '${e.id}' AND line_number = 1`,
    );
    const v = await verify('cafe-boquete');
    expect(v.verifyAuditChain.ok).toBe(true);
    expect(v.verifyBooks).toMatchObject({
      ok: false,
      firstMismatch: { entryId: e.id, number: e.number, problem: 'CHANGED' },
    });
  });

  it('names an entry that lost a line', async () => {
    const e = await anEntry('ferreteria-colon');
    await tamper('ferreteria-colon', `DELETE FROM gl_lines WHERE entry_id = '${e.id}' AND line_number = 2`);
    expect((await verify('ferreteria-colon')).verifyBooks.firstMismatch).toMatchObject({
      entryId: e.id,
      problem: 'CHANGED',
    });
  });

  it('names an entry added behind the application’s back, and one deleted with its lines', async () => {
    const e = await anEntry('clinica-costa');
    await tamper(
      'clinica-costa',
      `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
       SELECT 'JE-FORGED', fiscal_year, period_id, DATE '1999-01-01', 'MANUAL', posted_by FROM journal_entries WHERE id = '${e.id}'`,
    );
    expect((await verify('clinica-costa')).verifyBooks.firstMismatch).toMatchObject({
      number: 'JE-FORGED',
      problem: 'UNRECORDED',
    });

    const gone = await anEntry('logistica-canal');
    await tamper(
      'logistica-canal',
      `DELETE FROM gl_lines WHERE entry_id = '${gone.id}'; DELETE FROM journal_entries WHERE id = '${gone.id}'`,
    );
    expect((await verify('logistica-canal')).verifyBooks.firstMismatch).toMatchObject({
      entryId: gone.id,
      problem: 'MISSING',
    });
  });

  it('cannot be fooled by rewriting the digest in the event: the chain breaks instead', async () => {
    await tamper(
      'panaderia-valle',
      `UPDATE audit_events SET after = after || '{"linesDigest": "0000"}'::jsonb
        WHERE chain_seq = (SELECT min(chain_seq) FROM audit_events WHERE action = 'journal_entry.posted')`,
    );
    const v = await verify('panaderia-valle');
    expect(v.verifyAuditChain).toMatchObject({ ok: false, firstBrokenLink: { problem: 'HASH_MISMATCH' } });
    expect(v.verifyBooks.ok).toBe(false);
  });
});

describe('the chain checkpoint outside the client database', () => {
  const checkpoint = async (slug: string) => {
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, slug));
    const secret = t.stack.registry.secret(CHECKPOINT_SECRET) as string;
    return takeCheckpoint(
      t.stack.appControl,
      await t.stack.registry.db(tenant!.id),
      tenant!.id,
      secret,
      'test',
    );
  };

  it('detects a whole chain rewritten consistently, which the chain alone cannot', async () => {
    const taken = await checkpoint('cafe-boquete');
    expect(Number(taken.chainSeq)).toBeGreaterThan(0);
    // A superuser replaces the whole trail with a fresh, internally consistent chain.
    await tamper(
      'cafe-boquete',
      'DELETE FROM audit_events; UPDATE audit_chain_head SET chain_seq = 0, hash = NULL',
    );
    await t.tenantSql(
      'cafe-boquete',
      `INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('rewritten', 'Thing', '1')`,
    );
    const v = await verify('cafe-boquete');
    expect(v.verifyAuditChain.ok).toBe(true);
    expect(v.verifyBooks.checkpoint).toMatchObject({
      ok: false,
      chainSeq: taken.chainSeq,
      problem: 'REWRITTEN',
    });
    expect(v.verifyBooks.ok).toBe(false);
  });

  it('refuses a checkpoint the services did not seal', async () => {
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'ferreteria-colon'));
    await withClient(t.controlAdminUrl, (c) =>
      c.query(
        `INSERT INTO audit_chain_checkpoints (tenant_id, chain_seq, head_hash, mac, reason) VALUES ($1, 1, 'x', 'forged', 'forged')`,
        [tenant!.id],
      ),
    );
    expect((await verify('ferreteria-colon')).verifyBooks.checkpoint).toMatchObject({
      ok: false,
      problem: 'FORGED',
    });
  });

  it('refuses a checkpoint passed off as a restore’s: its kind is under the seal', async () => {
    // A restore in place's checkpoint sets aside those past its position; one copied from a sealed
    // checkpoint and relabelled RESTORED, to excuse a rewrite after it, does not verify.
    const taken = await checkpoint('clinica-costa');
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'clinica-costa'));
    await withClient(t.controlAdminUrl, (c) =>
      c.query(
        `INSERT INTO audit_chain_checkpoints (tenant_id, chain_seq, head_hash, mac, reason, kind)
         SELECT tenant_id, chain_seq, head_hash, mac, 'restored in place', 'RESTORED' FROM audit_chain_checkpoints
          WHERE tenant_id = $1 AND chain_seq = $2 ORDER BY id DESC LIMIT 1`,
        [tenant!.id, taken.chainSeq],
      ),
    );
    expect((await verify('clinica-costa')).verifyBooks.checkpoint).toMatchObject({
      ok: false,
      chainSeq: taken.chainSeq,
      problem: 'FORGED',
    });
  });
});

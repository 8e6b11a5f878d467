import { createHash } from 'node:crypto';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll } from 'vitest';
import { type Actor, withClient } from '../src/index.ts';

/** The author of the audit tests' events. */
export const actor: Actor = {
  userId: '11111111-1111-4111-8111-111111111111',
  email: 'senior@demo.firm',
  requestId: 'req-1',
  clientName: 'web',
  clientVersion: '1.2.3',
};

/** The databases a test file makes (`made`), dropped after its tests; `freshTenant` makes a client's. */
export function databasesOfThisFile() {
  const made: TestDatabase[] = [];
  afterAll(() => Promise.all(made.map((d) => d.drop())));
  return {
    made,
    freshTenant: async (): Promise<TestDatabase> => {
      const db = await createTestTenantDatabase();
      made.push(db);
      return db;
    },
  };
}

/** What the chain's own verification answers. */
interface Verification {
  checked: string;
  broken_seq: string | null;
  broken_id: string | null;
  problem: string | null;
}

export const verify = (db: TestDatabase, url = db.appUrl) =>
  withClient(
    url,
    async (c) => (await c.query('SELECT * FROM cifra_verify_audit_chain()')).rows[0] as Verification,
  );

/**
 * Each event's hash recomputed as an auditor would (docs/architecture/audit.md): the documented
 * content rendered by psql (`jsonb` text), SHA-256 by any other tool — here Node's. `extra` is the
 * control plane's firm, appended when set.
 */
export async function recomputed(url: string, extra = '') {
  const { rows } = await withClient(url, (c) =>
    c.query<{ hash: string; content: string }>(
      `SELECT hash, (jsonb_build_array(chain_seq, id,
                to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                actor_id, actor_email, action, entity_type, entity_id, ${extra ? 'tenant_id, ' : ''}
                before, after, reason, request_id, client_name, client_version, prev_hash)${extra})::text AS content
         FROM audit_events ORDER BY chain_seq`,
    ),
  );
  return rows.map((r) => ({
    stored: r.hash,
    outside: createHash('sha256').update(r.content, 'utf8').digest('hex'),
  }));
}

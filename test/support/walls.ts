import { expect } from 'vitest';
import { type Nodes, nodes } from './client.ts';
import type { TestStack } from './stack.ts';

/** Ethical walls as the wall tests put them up: an admin assigns NO_ACCESS, with a reason. */

export const WALL_REASON = 'conflict of interest: related to the owner of the client';

export const ASSIGN = `mutation($u: ID!, $t: String!, $r: RoleCluster!, $why: String) {
  assignClientRole(userId: $u, tenant: $t, role: $r, reason: $why) { userId clientRoles { tenant { slug } role } } }`;

/** A member's user id, read by the demo firm's admin from the member list. */
export async function memberId(t: TestStack, email: string): Promise<string> {
  const r = await t.as('admin')<{ firmMembersConnection: Nodes<{ userId: string; email: string }> }>(
    'query($s: String) { firmMembersConnection(search: $s) { edges { node { userId email } } } }',
    { s: email },
  );
  const id = nodes(r.data?.firmMembersConnection).find((m) => m.email === email)?.userId;
  if (!id) throw new Error(`no member ${email}`);
  return id;
}

/** The demo firm's admin gives `email` a role of their own on the client `tenant` (`reason` when it takes permissions away). */
export async function assignClientRole(
  t: TestStack,
  email: string,
  tenant: string,
  role: string,
  reason?: string,
): Promise<void> {
  const r = await t.as('admin')(ASSIGN, {
    u: await memberId(t, email),
    t: tenant,
    r: role,
    why: reason ?? null,
  });
  expect(r.errors).toBeUndefined();
}

/** The demo firm's admin walls `email` off the client `tenant`. */
export const wallOff = (t: TestStack, email: string, tenant: string): Promise<void> =>
  assignClientRole(t, email, tenant, 'NO_ACCESS', WALL_REASON);

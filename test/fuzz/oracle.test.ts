import { describe, expect, it } from 'vitest';
import { documentedCodes, type Expected, judge } from './oracle.ts';
import type { WorldClient, WorldUser } from './world.ts';

const clients: WorldClient[] = [
  { index: 0, slug: 'a-client', firm: 'demo', dataMark: 'MK0QJX', writeMark: 'W0ZJX' },
  { index: 1, slug: 'b-client', firm: 'demo', dataMark: 'MK1QJX', writeMark: 'W1ZJX' },
  { index: 2, slug: 'z-client', firm: 'zeta', dataMark: 'MK2QJX', writeMark: 'W2ZJX' },
];
const user: WorldUser = { email: 'u@demo.firm', firm: 'demo', token: 't' };
const access: Expected = {
  clients: new Map([['u@demo.firm', new Set(['a-client', 'b-client'])]]),
  admitted: new Set(['u@demo.firm']),
  trustedOnly: new Set(),
};
const documented = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'NOT_FOUND']);
const ask = (tenant: string | undefined, field = 'accounts', firmLevel = false) => ({
  user,
  tenant,
  field,
  kind: 'query' as const,
  firmLevel,
});

/** The fuzzer is only as good as its judge: each rule must fire on the leak it exists for. */
describe('the isolation fuzzer judge', () => {
  it('accepts a client answering with its own data', () => {
    expect(
      judge(ask('a-client'), { status: 200, data: { x: 'MK0QJX entry' } }, clients, access, documented)
        .violations,
    ).toEqual([]);
  });
  it('flags another client of the same firm in an answer about this one', () => {
    const v = judge(
      ask('a-client'),
      { status: 200, data: { x: 'MK1QJX entry' } },
      clients,
      access,
      documented,
    );
    expect(v.violations).toEqual(["b-client's data in an answer about a-client"]);
  });
  it('lets a firm-level view read across the caller own clients, never beyond them', () => {
    expect(
      judge(
        ask(undefined, 'closeBoard', true),
        { status: 200, data: { x: 'MK1QJX' } },
        clients,
        access,
        documented,
      ).violations,
    ).toEqual([]);
    const v = judge(
      ask(undefined, 'closeBoard', true),
      { status: 200, data: { s: '"z-client"', x: 'MK2QJX' } },
      clients,
      access,
      documented,
    );
    expect(v.violations).toContain("z-client's data reached a caller without access to it");
  });
  it('does not count an answer quoting back what the request sent', () => {
    const echo = { ...ask('a-client'), variables: { id: 'W1ZJX 42' } };
    const res = {
      status: 200,
      errors: [{ message: 'No document W1ZJX 42', extensions: { code: 'NOT_FOUND' } }],
    };
    expect(judge(echo, res, clients, access, documented).violations).toEqual([]);
    expect(judge(ask('a-client'), res, clients, access, documented).violations).toHaveLength(1);
  });
  it('flags another firm named in data', () => {
    const v = judge(
      ask('a-client'),
      { status: 200, data: { slug: 'z-client' } },
      clients,
      access,
      documented,
    );
    expect(v.violations).toContain("another firm's client z-client named in data");
  });
  it('flags an answer, or any code but FORBIDDEN, for a client the caller may not use', () => {
    expect(
      judge(ask('z-client'), { status: 200, data: { accounts: [] } }, clients, access, documented).violations,
    ).toHaveLength(1);
    expect(
      judge(
        ask('z-client'),
        { status: 403, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] },
        clients,
        access,
        documented,
      ).violations,
    ).toEqual([]);
  });
  it('flags internal and undocumented errors, and anonymous answers', () => {
    const internal = {
      status: 200,
      errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    };
    expect(judge(ask('a-client'), internal, clients, access, documented).violations.length).toBeGreaterThan(
      0,
    );
    const anon = { ...ask('a-client'), user: undefined };
    expect(
      judge(anon, { status: 200, data: { accounts: [] } }, clients, access, documented).violations,
    ).toHaveLength(1);
  });
  it('expects a caller no longer let in to be refused, and a trusted-documents-only one to be told so', () => {
    const partner: WorldUser = { email: 'integration:cfk_000000000001', firm: 'demo', token: 't' };
    const asPartner = { ...ask('a-client'), user: partner };
    const answer = { status: 200, data: { accounts: [] } };
    const refused = (code: string) => ({ status: 401, errors: [{ message: 'no', extensions: { code } }] });
    const live = {
      ...access,
      admitted: new Set([partner.email]),
      clients: new Map([[partner.email, new Set(['a-client'])]]),
    };
    expect(judge(asPartner, answer, clients, live, documented).violations).toEqual([]);
    const gone = { ...live, admitted: new Set<string>() };
    expect(judge(asPartner, answer, clients, gone, documented).violations).toHaveLength(1);
    expect(judge(asPartner, refused('UNAUTHENTICATED'), clients, gone, documented).violations).toEqual([]);
    const trusted = { ...live, trustedOnly: new Set([partner.email]) };
    expect(judge(asPartner, answer, clients, trusted, documented).violations).toHaveLength(1);
    expect(judge(asPartner, refused('FORBIDDEN'), clients, trusted, documented).violations).toHaveLength(1);
    // A client outside its grants is refused from the headers, before the query text is read.
    const elsewhere = { ...asPartner, tenant: 'b-client' };
    expect(judge(elsewhere, refused('FORBIDDEN'), clients, trusted, documented).violations).toEqual([]);
    expect(judge(elsewhere, answer, clients, trusted, documented).violations.length).toBeGreaterThan(0);
    expect(
      judge(
        asPartner,
        refused('PERSISTED_DOCUMENT_REQUIRED'),
        clients,
        trusted,
        new Set([...documented, 'PERSISTED_DOCUMENT_REQUIRED']),
      ).violations,
    ).toEqual([]);
  });
  it('reads the catalogue of codes from the README', () => {
    const codes = documentedCodes();
    expect(codes.has('FORBIDDEN')).toBe(true);
    expect(codes.has('PERIOD_LOCKED')).toBe(true);
  });
});

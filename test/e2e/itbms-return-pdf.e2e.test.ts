import { pdfText, TEST_LEGAL_DETAILS } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedYear } from '../support/books-year.ts';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The ITBMS return rendered as a PDF (issue 19 §3) through the gateway with real tokens, on a
 * client provisioned for the test: refused while its legal details are missing, then the signed
 * link downloaded and read back with pdftotext, every figure of the PDF equal to the itbmsReturn
 * query's, and those equal to the sales worked out independently in BigInt cents.
 */
let t: TestStack;
const CLIENT = 'itbms-pdf';
// The year of the client this file provisions: today's on its clock.
const YEAR = provisionedYear();
const LEGAL_NAME = 'Tostadora del Istmo, S.A.';

const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
};
const senior = () => t.as('senior', CLIENT);

const RENDER = `mutation ($y: Int!, $m: Int!) { renderItbmsReturn(year: $y, month: $m) { url expiresAt fileName year month } }`;
const RATE = 'ratePercent base tax';
const RETURN = `query ($y: Int!, $m: Int!) { itbmsReturn(year: $y, month: $m) {
  sales { ${RATE} } exemptSales creditNotesBase creditNotesTax purchases { ${RATE} } exemptPurchases
  debitNotesBase debitNotesTax journalOutputTax journalInputTax outputTax inputTax creditBroughtForward
  netPayable creditCarriedForward glOutputTax glInputTax reconciles } }`;
type Rate = { ratePercent: string; base: string; tax: string };
type Return = Record<string, string> & { sales: Rate[]; purchases: Rate[]; reconciles: boolean };

const auditCount = async (action: string) =>
  Number(
    (
      await t.tenantSql<{ n: number }>(
        CLIENT,
        'SELECT count(*)::int AS n FROM audit_events WHERE action = $1',
        [action],
      )
    )[0]?.n,
  );

/** The amounts printed on the line that holds `label`, after it, as the API writes money ("1234.50"). */
function amountsOn(text: string, label: string): string[] {
  const line = text.split('\n').find((l) => l.includes(label));
  expect(line, `no line "${label}" in the PDF`).toBeDefined();
  const after = (line as string).slice((line as string).indexOf(label) + label.length);
  return [...after.matchAll(/-?[\d,]+\.\d{2}/g)].map((m) => m[0].replaceAll(',', ''));
}
const cents = (money: string) => BigInt(money.replace('.', ''));

beforeAll(async () => {
  t = await startTestStack();
  ok(
    await t.as('admin')(
      `mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug } }`,
      { input: { slug: CLIENT, name: 'Tostadora del Istmo' } },
    ),
  );
  ok(
    await t.as('admin')(
      `mutation($set: SettingsInput!) { updateClientSettings(tenant: "${CLIENT}", set: $set) { slug } }`,
      { set: { displayName: 'Café Istmo', brandColor: '#8B4513' } },
    ),
  );
});

afterAll(async () => {
  await t?.close();
});

describe('renderItbmsReturn', () => {
  it('refuses LEGAL_DETAILS_REQUIRED while the client has no RUC, writing nothing', async () => {
    const r = await senior()(RENDER, { y: YEAR, m: 3 });
    expect(codes(r)).toEqual(['LEGAL_DETAILS_REQUIRED']);
    expect(await auditCount('itbms_return.rendered')).toBe(0);
    expect(codes(await senior()(RENDER, { y: YEAR, m: 13 }))).toEqual(['BAD_USER_INPUT']);
  });

  it('renders March (50.00 at 7 % → 3.50, 200.00 at 10 % → 20.00, 30.00 exempt: 23.50 payable) with the PDF equal to itbmsReturn', async () => {
    ok(
      await senior()(
        'mutation($input: LegalDetailsInput!) { updateLegalDetails(input: $input) { complete } }',
        { input: { legalName: LEGAL_NAME, ...TEST_LEGAL_DETAILS } },
      ),
    );
    const party = ok(
      await senior()<{ createParty: { id: string } }>(
        'mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }',
        { input: { kind: 'CUSTOMER', code: 'H1', name: 'Hotel Boquete' } },
      ),
    ).createParty.id;
    const line = (description: string, quantity: string, unitPrice: string, taxCode: string) => ({
      accountCode: '4101',
      description,
      quantity,
      unitPrice,
      taxCode,
    });
    const draft = ok(
      await senior()<{ createSalesInvoice: { id: string } }>(
        'mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }',
        {
          input: {
            partyId: party,
            documentDate: `${YEAR}-03-10`,
            lines: [
              line('Café molido', '4', '12.50', 'ITBMS7'),
              line('Licor de café', '2', '100.00', 'ITBMS10'),
              line('Servicio exento', '1', '30.00', 'EXENTO'),
            ],
          },
        },
      ),
    ).createSalesInvoice;
    ok(await senior()('mutation($id: ID!) { approveSalesInvoice(id: $id) { id } }', { id: draft.id }));

    const r = ok(await senior()<{ itbmsReturn: Return }>(RETURN, { y: YEAR, m: 3 })).itbmsReturn;
    // The accountant's figures: 4 × 12.50 = 50.00 at 7 %, 2 × 100.00 = 200.00 at 10 %, 30.00 exempt.
    const base7 = 4n * 1250n;
    const base10 = 2n * 10000n;
    const tax = (base7 * 7n) / 100n + (base10 * 10n) / 100n;
    expect(r.sales.map((s) => [s.ratePercent, cents(s.base), cents(s.tax)])).toEqual([
      ['7', base7, (base7 * 7n) / 100n],
      ['10', base10, (base10 * 10n) / 100n],
      ['15', 0n, 0n],
    ]);
    expect([
      cents(r.exemptSales as string),
      cents(r.outputTax as string),
      cents(r.netPayable as string),
    ]).toEqual([3000n, tax, tax]);
    expect(r.reconciles).toBe(true);

    const link = ok(
      await senior()<{ renderItbmsReturn: { url: string; fileName: string; year: number; month: number } }>(
        RENDER,
        { y: YEAR, m: 3 },
      ),
    ).renderItbmsReturn;
    expect(link).toMatchObject({ fileName: `${CLIENT}-itbms-${YEAR}-03.pdf`, year: YEAR, month: 3 });
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await res.arrayBuffer()));

    // The client's legal details and white label, and the period.
    for (const shown of [
      'Café Istmo',
      LEGAL_NAME,
      `RUC ${TEST_LEGAL_DETAILS.ruc} DV ${TEST_LEGAL_DETAILS.dv}`,
      TEST_LEGAL_DETAILS.address,
      `Período / Period: ${YEAR}-03`,
    ]) {
      expect(text).toContain(shown);
    }
    // Every figure as the query answered it.
    for (const s of r.sales) {
      expect(amountsOn(text, `Taxable sales ${s.ratePercent} %`)).toEqual([s.base, s.tax]);
    }
    for (const p of r.purchases) {
      expect(amountsOn(text, `Taxable purchases ${p.ratePercent} %`)).toEqual([p.base, p.tax]);
    }
    const rows: [string, string[]][] = [
      ['Exempt sales', [r.exemptSales as string]],
      ['Credit notes (netted)', [r.creditNotesBase as string, r.creditNotesTax as string]],
      ['Journal output tax', [r.journalOutputTax as string]],
      ['Total débito fiscal / Output tax', [r.outputTax as string]],
      ['Exempt purchases', [r.exemptPurchases as string]],
      ['Debit notes (netted)', [r.debitNotesBase as string, r.debitNotesTax as string]],
      ['Journal input tax', [r.journalInputTax as string]],
      ['Total crédito fiscal / Input tax', [r.inputTax as string]],
      ['Credit brought forward', [r.creditBroughtForward as string]],
      ['Net payable', [r.netPayable as string]],
      ['Credit carried forward', [r.creditCarriedForward as string]],
      ['Sales-tax account', [r.glOutputTax as string]],
      ['Purchase-tax account', [r.glInputTax as string]],
    ];
    for (const [label, amounts] of rows) expect(amountsOn(text, label), label).toEqual(amounts);
    expect(text).toContain('Cuadra / Agrees');
    expect(await auditCount('itbms_return.rendered')).toBe(1);
    expect(await auditCount('itbms_return.render_downloaded')).toBe(1);
  });

  it('answers 401 to a link whose figures were altered: they are signed', async () => {
    const link = ok(
      await senior()<{ renderItbmsReturn: { url: string } }>(RENDER, { y: YEAR, m: 3 }),
    ).renderItbmsReturn;
    const [head, payload, signature] = (link.url.split('/exports/')[1] as string).split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as {
      itb: { a: string[] };
    };
    claims.itb.a = claims.itb.a.map(() => '0');
    const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const res = await fetch(
      link.url.replace(`${head}.${payload}.${signature}`, `${head}.${forged}.${signature}`),
    );
    expect(res.status).toBe(401);
  });
});

/**
 * The example partner run once (`pnpm --filter @cifra/example-partner start`): a token, the shop's
 * customer, one sales invoice drafted and issued, and the client's trial balance — as a web shop
 * would book an order. Settings come from the environment (src/env.ts).
 */
import { createPartnerClient } from './client.ts';
import { type Env, readEnv } from './env.ts';

let env: Env;
try {
  env = readEnv();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
const partner = createPartnerClient({
  gatewayUrl: env.CIFRA_GATEWAY_URL,
  clientId: env.CIFRA_CLIENT_ID,
  clientSecret: env.CIFRA_CLIENT_SECRET,
  tenant: env.CIFRA_TENANT,
});
const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const token = await partner.fetchToken();
  print(`token: ok, valid ${token.expiresInSeconds} s`);

  const customer = await partner.ensureCustomer({ code: env.CUSTOMER_CODE, name: env.CUSTOMER_NAME });
  print(`customer: ${customer.code} ${customer.name}`);

  const draft = await partner.createInvoiceDraft({
    customerId: customer.id,
    date: env.INVOICE_DATE,
    reference: env.ORDER_REFERENCE,
    memo: `Web order ${env.ORDER_REFERENCE}`,
    lines: [
      {
        description: 'Café de altura, 1 kg',
        accountCode: '4101',
        quantity: '2',
        unitPrice: '18.50',
        taxCode: 'ITBMS7',
      },
      { description: 'Envío', accountCode: '4101', quantity: '1', unitPrice: '4.00', taxCode: 'EXENTO' },
    ],
  });
  print(`invoice draft: ${draft.id} ${draft.status} total ${draft.total}`);

  const invoice = await partner.issueInvoice(draft.id);
  print(
    `invoice issued: ${invoice.number} ${invoice.status} ${invoice.currency} ${invoice.subtotal} + tax ${invoice.tax} = ${invoice.total} (entry ${invoice.entry?.number})`,
  );

  const tb = await partner.trialBalance(invoice.postingDate);
  print(`trial balance ${env.CIFRA_TENANT} as of ${tb.asOf} (${tb.currency}):`);
  for (const row of tb.rows)
    print(
      `  ${row.accountCode.padEnd(6)} ${row.accountName.padEnd(40)} ${row.debit.padStart(14)} ${row.credit.padStart(14)}`,
    );
  print(`  ${'total'.padEnd(47)} ${tb.totalDebit.padStart(14)} ${tb.totalCredit.padStart(14)}`);
  print(tb.totalDebit === tb.totalCredit ? 'balanced: yes' : 'balanced: NO');
  if (tb.totalDebit !== tb.totalCredit) process.exitCode = 1;
} catch (err) {
  // A refusal (TokenError, CifraError) says what to fix; a network failure names its cause.
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}${cause}\n`);
  process.exitCode = 1;
}

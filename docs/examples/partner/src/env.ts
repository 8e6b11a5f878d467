import { z } from 'zod';
import { isTimeZone, todayIn } from './dates.ts';

/** The one place the example reads the environment (validated before anything runs). */
const schema = z.object({
  /** The gateway's GraphQL endpoint. */
  CIFRA_GATEWAY_URL: z.string().url().default('http://127.0.0.1:4000/graphql'),
  /** The integration's secret, as createIntegrationSecret answered it. */
  CIFRA_CLIENT_ID: z.string().regex(/^cfk_[0-9a-f]{12}$/, 'a client id is cfk_ and 12 hex digits'),
  CIFRA_CLIENT_SECRET: z.string().startsWith('cfs_'),
  /** The client business granted to this integration (its slug). */
  CIFRA_TENANT: z.string().min(1).default('cafe-boquete'),
  /** The shop's order number: the invoice's reference; running again with it issues nothing new. */
  ORDER_REFERENCE: z.string().min(1).default(`web-${Date.now()}`),
  /** The client's time zone: an invoice is dated by the client's calendar, not UTC's. */
  CLIENT_TIME_ZONE: z.string().refine(isTimeZone, 'not an IANA time zone').default('America/Panama'),
  /** The invoice's date, YYYY-MM-DD (by default today in CLIENT_TIME_ZONE). */
  INVOICE_DATE: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  CUSTOMER_CODE: z.string().min(1).default('WEB-SHOP'),
  CUSTOMER_NAME: z.string().min(1).default('Online shop customers'),
});

export type Env = Omit<z.infer<typeof schema>, 'INVOICE_DATE'> & { INVOICE_DATE: string };

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`The example's settings are not valid:\n${problems}`);
  }
  return { ...parsed.data, INVOICE_DATE: parsed.data.INVOICE_DATE ?? todayIn(parsed.data.CLIENT_TIME_ZONE) };
}

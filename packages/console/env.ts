import { z } from 'zod';

/**
 * The one place the console's tooling reads the environment (the console itself reads nothing:
 * it talks to the origin that served it). `pnpm dev:console` proxies the API to CIFRA_GATEWAY_ORIGIN.
 */
const schema = z.object({
  /** The running stack the dev server forwards /graphql and /auth to. */
  CIFRA_GATEWAY_ORIGIN: z.string().url().default('http://127.0.0.1:4000'),
  /** The dev server's port. */
  CONSOLE_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(5173),
});

export const env = schema.parse(process.env);

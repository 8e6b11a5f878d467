import pg from 'pg';

// Return DATE columns as the ISO strings they are: a calendar date has no time zone, and turning it
// into a JS Date would shift it by the server's offset. int8 stays a string unless drizzle maps it.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export { pg };

/**
 * Run `fn` with one connection to `url` (with `config`'s settings: its time limits, say), closed
 * afterwards whatever happens.
 */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
  config: Omit<pg.ClientConfig, 'connectionString'> = {},
): Promise<T> {
  const client = new pg.Client({ ...config, connectionString: url });
  // A connection the server drops must fail `fn`, not raise an unhandled 'error' in the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

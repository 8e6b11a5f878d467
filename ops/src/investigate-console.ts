import { createInterface } from 'node:readline';

/** What the gateway's `investigate` mutation answers. */
export interface InvestigationAnswer {
  outcome: 'OK' | 'ERROR' | 'TIMEOUT';
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  durationMs: number;
  error: { sqlState: string | null; message: string } | null;
  auditEvent: { id: string } | null;
}

/** Sends one statement through the audited path; throws with a message a person can act on. */
export type Investigate = (sql: string) => Promise<InvestigationAnswer>;

const INVESTIGATE = `mutation Investigate($sql: String!, $maxRows: Int) {
  investigate(sql: $sql, maxRows: $maxRows) {
    outcome columns rows rowCount truncated durationMs error { sqlState message } auditEvent { id }
  }
}`;

export interface GatewayTarget {
  url: string;
  token: string;
  tenant: string;
  maxRows?: number;
  clientVersion?: string;
}

/** `investigate` over HTTP through the gateway, as the signed-in user: the same path as any client. */
export function gatewayInvestigate(target: GatewayTarget): Investigate {
  return async (sql) => {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${target.token}`,
        'x-tenant': target.tenant,
        'apollographql-client-name': 'cifra-investigate',
        'apollographql-client-version': target.clientVersion ?? '1',
      },
      body: JSON.stringify({ query: INVESTIGATE, variables: { sql, maxRows: target.maxRows ?? 200 } }),
    }).catch((err: Error & { cause?: { code?: string } }) => {
      // fetch says only "fetch failed": name the address and why, so the reader knows what to fix.
      const why = err.cause?.code ?? err.message;
      throw new Error(
        `could not reach the gateway at ${target.url} (${why}): is pnpm start running? Pass --url or set CIFRA_GATEWAY_URL`,
      );
    });
    const body = (await res.json().catch(() => ({}))) as {
      data?: { investigate?: InvestigationAnswer | null } | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    const answer = body.data?.investigate;
    if (answer) return answer;
    const first = body.errors?.[0];
    throw new Error(first ? `${first.extensions?.code ?? 'ERROR'}: ${first.message}` : `HTTP ${res.status}`);
  };
}

const cell = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Rows as a psql-like aligned table. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const text = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    ` ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')}`.trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w + 2)).join('+'), ...text.map(line)].join('\n');
}

export function formatAnswer(a: InvestigationAnswer): string {
  const audit = a.auditEvent ? `, audit event ${a.auditEvent.id}` : '';
  if (a.outcome !== 'OK') {
    const state = a.error?.sqlState ? ` (${a.error.sqlState})` : '';
    return `${a.outcome}${state}: ${a.error?.message ?? 'failed'}\n(${a.durationMs} ms${audit})`;
  }
  const more = a.truncated ? ', more rows not shown' : '';
  const count = `(${a.rowCount} ${a.rowCount === 1 ? 'row' : 'rows'}${more}; ${a.durationMs} ms${audit})`;
  return a.columns.length ? `${formatTable(a.columns, a.rows)}\n${count}` : count;
}

export interface ConsoleOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  investigate: Investigate;
  /** Show prompts and a banner (a terminal); piped input runs silently statement by statement. */
  interactive?: boolean;
  banner?: string;
}

export interface ConsoleSummary {
  statements: number;
  failed: number;
}

/**
 * The investigator console: reads SQL statements (ended by `;` at the end of a line, or by the end
 * of the input), sends each one through `investigate` and prints the answer. `\q` quits. Every
 * statement is audited by the server, whatever it prints here.
 */
export async function runInvestigateConsole(opts: ConsoleOptions): Promise<ConsoleSummary> {
  const rl = createInterface({
    input: opts.input,
    output: opts.interactive ? opts.output : undefined,
    terminal: opts.interactive ?? false,
  });
  const write = (text: string) => opts.output.write(`${text}\n`);
  const summary: ConsoleSummary = { statements: 0, failed: 0 };
  let buffer: string[] = [];
  const prompt = () => {
    if (opts.interactive) {
      rl.setPrompt(buffer.length ? '   -> ' : 'sql> ');
      rl.prompt();
    }
  };
  const send = async (text: string) => {
    const statement = text.trim().replace(/;\s*$/, '').trim();
    if (!statement) return;
    summary.statements++;
    try {
      const answer = await opts.investigate(statement);
      if (answer.outcome !== 'OK') summary.failed++;
      write(formatAnswer(answer));
    } catch (err) {
      summary.failed++;
      write(`ERROR: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  if (opts.interactive && opts.banner) write(opts.banner);
  prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (!buffer.length && (trimmed === '\\q' || trimmed === 'quit' || trimmed === 'exit')) break;
    if (trimmed) buffer.push(line);
    if (trimmed.endsWith(';')) {
      const text = buffer.join('\n');
      buffer = [];
      await send(text);
    }
    prompt();
  }
  if (buffer.length) await send(buffer.join('\n'));
  rl.close();
  return summary;
}

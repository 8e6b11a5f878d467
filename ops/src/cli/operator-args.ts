import os from 'node:os';
import { createLogger } from '@cifra/context';
import { type Actor, translateDbError } from '@cifra/db';
import { type OpenedControlPlane, openControlPlane } from '../database-server.ts';
import { readEnv } from '../env.ts';

/** `--name value` pairs and the positional words of an operator command. */
export function parseArgs(argv: readonly string[]): { words: string[]; flags: Record<string, string> } {
  const words: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--')) flags[arg.slice(2)] = argv[++i] ?? '';
    else words.push(arg);
  }
  return { words, flags };
}

/** Who ran an operator command: `--operator <email>`, or the account on this machine. */
export function operatorActor(flags: Record<string, string>, reason: string): Actor {
  return { userId: null, email: flags.operator || `${os.userInfo().username}@operator`, reason };
}

/**
 * Run an operator command on the control plane's admin connection (the embedded server under
 * DATA_DIR, or DATABASE_URL), print its failure as one line and exit 1 on it — a refused
 * environment, or a control plane that does not open (`pnpm start` holding DATA_DIR), included.
 */
export async function withAdminControlPlane(
  command: string,
  fn: (opened: OpenedControlPlane, env: ReturnType<typeof readEnv>) => Promise<void>,
): Promise<void> {
  let opened: OpenedControlPlane | undefined;
  try {
    const env = readEnv();
    opened = await openControlPlane({
      dataDir: env.dataDir,
      databaseUrl: env.DATABASE_URL,
      log: createLogger(`cifra-${command}`, 'warn'),
      // Run beside running services: their control-plane login must keep working.
      keepControlAppPassword: true,
    });
    await fn(opened, env);
  } catch (err) {
    failedCommand(command, err);
  } finally {
    await opened?.close();
  }
}

/** An operator command's failure: one line on stderr, exit code 1. */
export function failedCommand(command: string, err: unknown): void {
  // A database refusal in its domain words (the one translation), never the statement and its values.
  const message = (translateDbError(err) ?? (err as Error)).message;
  process.stderr.write(`${command} failed: ${message.replaceAll('\n', ' ')}\n`);
  process.exitCode = 1;
}

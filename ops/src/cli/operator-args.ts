import os from 'node:os';
import type { Actor } from '@cifra/db';

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

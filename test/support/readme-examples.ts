import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One GraphQL request the README shows in a shell example, as the shell would send it. */
export interface ReadmeExample {
  line: number;
  /** Whose token the example runs with (`TOKEN=$(pnpm --silent token senior@demo.firm)` → senior). */
  as: string;
  tenant: string | null;
  body: string;
  /** What it contains for the reader to fill in (`<id>`): such an example is not run. */
  placeholders: string[];
}

/**
 * The README's GraphQL requests: every `-d '…'` of a curl to the gateway and every `Q '…'` in its
 * `sh` blocks, with the shell's quoting undone and `$TODAY`, `$YEAR` and `$LAST_YEAR` replaced by
 * `vars`, as the first example defines them.
 */
export function readmeExamples(vars: Record<string, string>): ReadmeExample[] {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const out: ReadmeExample[] = [];
  let as = 'senior';
  let inSh = false;
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i] as string;
    if (text.startsWith('```')) {
      inSh = !inSh && text.trim() === '```sh';
      continue;
    }
    // A section's examples run as the senior accountant of the first example unless it (in its
    // text or its code) takes another person's token.
    if (text.startsWith('## ')) as = 'senior';
    const who = /TOKEN=\$\(pnpm --silent token ([a-z]+)@demo\.firm\)/.exec(text);
    if (who) as = who[1] as string;
    if (!inSh) continue;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]}`;
    const arg = /(?:^Q |localhost:4000\/graphql .* -d )('.*)$/.exec(text);
    if (!arg || text.startsWith('Q()')) continue;
    const body = shellWord(arg[1] as string, vars);
    out.push({
      line: start + 1,
      as,
      tenant: /-H 'x-tenant: ([a-z-]+)'/.exec(text)?.[1] ?? null,
      body,
      placeholders: body.match(/<[a-z ]+>/g) ?? [],
    });
  }
  return out;
}

/** The first shell word of `text`: single-quoted pieces kept as they are, `$NAME`s expanded. */
function shellWord(text: string, vars: Record<string, string>): string {
  let word = '';
  let i = 0;
  while (i < text.length && text[i] !== ' ') {
    if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (text[i] === '$') {
      const name = /^\$([A-Z_]+)/.exec(text.slice(i))?.[1] as string;
      if (!(name in vars)) throw new Error(`the README uses $${name}, which the test does not define`);
      word += vars[name];
      i += name.length + 1;
    } else {
      word += text[i++];
    }
  }
  return word;
}

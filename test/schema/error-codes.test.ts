import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE, ErrorCodes } from '@cifra/domain';
import { describe, expect, it } from 'vitest';
import { ENUM_PATH, errorCodeEnum, README_PATH, withReadmeList } from '../../schema/error-codes.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['gateway/src', 'ops/src', 'packages', 'subgraphs'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return ['node_modules', '__generated__', 'test', 'migrations'].includes(e.name) ? [] : sourceFiles(p);
    }
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * Every code the source can put in `extensions.code`: the first argument of DomainError and of the
 * HTTP refusal helpers, `[status, code, …]` tuples, and `code: '…'` inside an `extensions` object
 * (within the 200 characters after `extensions`).
 */
function thrownCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [
    /new DomainError\(\s*'([A-Z][A-Z0-9_]+)'/g,
    /\b(?:refuse|httpError)\([^)]*?'([A-Z][A-Z0-9_]{2,})'/g,
    /extensions[^;]{0,200}?\bcode:\s*'([A-Z][A-Z0-9_]+)'/gs,
    /extensions\.code\s*===?\s*'([A-Z][A-Z0-9_]+)'/g,
    // [HTTP status, code, message] tuples of the HTTP layer.
    /\[\s*[1-5]\d\d,\s*'([A-Z][A-Z0-9_]+)'/g,
  ];
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(path.join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of patterns) {
        for (const m of text.matchAll(pattern)) found.set(m[1] as string, path.relative(root, file));
      }
    }
  }
  return found;
}

describe('one catalogue of error codes', () => {
  it('holds every code the source throws', () => {
    const found = thrownCodes();
    // The scan must see the codes of every layer, or it proves nothing.
    for (const code of [
      'UNBALANCED_ENTRY',
      'QUERY_TOO_COMPLEX',
      'PAYLOAD_TOO_LARGE',
      'RATE_LIMITED',
      'FORBIDDEN',
    ]) {
      expect(found.has(code), `the scan did not find ${code}`).toBe(true);
    }
    const missing = [...found].filter(([code]) => !(code in ERROR_CATALOGUE)).map(([c, f]) => `${c} (${f})`);
    expect(missing).toEqual([]);
  });

  it('holds every DomainError code (the type says so; this says it at run time too)', () => {
    expect(ErrorCodes.filter((c) => !(c in ERROR_CATALOGUE))).toEqual([]);
  });

  it('is what the schema enum and the README list say, generated', () => {
    expect(readFileSync(ENUM_PATH, 'utf8')).toBe(errorCodeEnum());
    const readme = readFileSync(README_PATH, 'utf8');
    expect(readme).toBe(withReadmeList(readme));
    for (const code of Object.keys(ERROR_CATALOGUE)) expect(readme).toContain(`\`${code}\``);
  });
});

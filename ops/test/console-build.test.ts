import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installBuild } from '../src/console-build.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory holding `files` (relative path → text). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cifra-console-build-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const contents = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => statSync(path.join(dir, f)).isFile())
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );

describe("installing the console's build", () => {
  it('leaves exactly the new build: changed files replaced, new ones added, the old chunks gone', () => {
    const dist = tree({
      'index.html': '<script src="/assets/index-old.js">',
      'assets/index-old.js': 'old',
      'assets/logo.svg': 'old logo',
      'persisted-documents.json': '{"old":1}',
    });
    const build = {
      'index.html': '<script src="/assets/index-new.js">',
      'assets/index-new.js': 'new',
      'assets/logo.svg': 'new logo',
      'persisted-documents.json': '{"new":1}',
    };
    const staging = tree(build);
    installBuild(staging, dist);
    expect(contents(dist)).toEqual(build);
    expect(contents(staging)).toEqual({});
  });

  it('into a missing directory, as on a fresh clone', () => {
    const build = { 'index.html': 'page', 'assets/a.js': 'a' };
    const dist = path.join(tree({}), 'dist');
    installBuild(tree(build), dist);
    expect(contents(dist)).toEqual(build);
  });

  it('over an identical build (another process built the same sources): every file stays', () => {
    const build = { 'index.html': 'page', 'assets/a-1234.js': 'a', 'persisted-documents.json': '{}' };
    const dist = tree(build);
    installBuild(tree(build), dist);
    expect(contents(dist)).toEqual(build);
  });
});

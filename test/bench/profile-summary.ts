/**
 * `tsx bench/profile-summary.ts file.cpuprofile [top]`: where a CPU profile's time went — self time
 * by package (node_modules/<name>, the repository's own folders, node's internals) and the
 * functions with the most self time.
 */
import { readFile } from 'node:fs/promises';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts file.cpuprofile [top]');
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

function packageOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const m = /\/(gateway|subgraphs\/[^/]+|packages\/[^/]+|ops|test)\//.exec(url);
  return m ? m[1]! : url;
}

const total = [...self.values()].reduce((a, b) => a + b, 0);
const sum = (key: (n: Node) => string) => {
  const out = new Map<string, number>();
  for (const [id, us] of self) {
    const k = key(byId.get(id)!);
    out.set(k, (out.get(k) ?? 0) + us);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
};
const show = (rows: [string, number][], top: number) => {
  for (const [k, us] of rows.slice(0, top))
    console.log(
      `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`,
    );
};
console.log(`total ${(total / 1000).toFixed(1)} ms sampled\n-- by package`);
show(
  sum((n) => packageOf(n.callFrame.url)),
  25,
);
console.log('-- by function (self)');
show(
  sum(
    (n) =>
      `${n.callFrame.functionName || '(anonymous)'} ${packageOf(n.callFrame.url)}:${n.callFrame.lineNumber}`,
  ),
  Number(topArg ?? 40),
);

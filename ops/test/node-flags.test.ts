import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../bin/node-flags.mjs';

/** The service commands start `node` with the flags the services are tuned and measured with. */
describe('the service commands', () => {
  const scripts = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;

  it.each(['start', 'serve', 'worker'])(
    'pnpm %s passes every service flag to node before run.mjs',
    (name) => {
      const script = scripts[name] ?? '';
      const node = script.split(' ');
      expect(node[0]).toBe('node');
      const runAt = node.indexOf('ops/bin/run.mjs');
      expect(runAt).toBeGreaterThan(0);
      expect(node.slice(1, runAt)).toEqual(SERVICE_NODE_FLAGS);
    },
  );
});

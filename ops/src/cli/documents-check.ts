/**
 * `pnpm documents:check [--supergraph <file>]`: every partner integration's published, unretired
 * trusted document checked against a candidate supergraph (the checked-in one by default), so a
 * schema change that would break a partner is found before it ships. Exits 1 when one would break.
 */
import { readFileSync } from 'node:fs';
import { checkTrustedDocuments } from '../documents-check.ts';
import { SUPERGRAPH_SDL_PATH } from '../services.ts';
import { parseArgs, withAdminControlPlane } from './operator-args.ts';

const { flags } = parseArgs(process.argv.slice(2));
const file = flags.supergraph || SUPERGRAPH_SDL_PATH;
await withAdminControlPlane('documents:check', async (opened) => {
  const { checked, broken } = await checkTrustedDocuments(opened.control.db, readFileSync(file, 'utf8'));
  for (const b of broken)
    process.stdout.write(
      `BREAKS ${b.integration} (${b.integrationId}) ${b.appVersion} ${b.documentId}: ${b.problem}\n`,
    );
  process.stdout.write(
    `${checked} trusted documents checked against ${file}: ${broken.length} would break\n`,
  );
  if (broken.length) process.exitCode = 1;
});

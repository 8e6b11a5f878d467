/**
 * `pnpm firm create --name <name> --admin <email> [--slug <slug>] [--operator <email>]`: a new
 * firm and its first FirmAdmin, with the admin connection (stop `pnpm start` first when it uses
 * the embedded server, as for `pnpm migrate`), recorded in the firm's trail.
 */
import { createFirm } from '../operator.ts';
import { operatorActor, parseArgs, withAdminControlPlane } from './operator-args.ts';

const { words, flags } = parseArgs(process.argv.slice(2));
if (words[0] !== 'create' || !flags.name || !flags.admin) {
  process.stderr.write(
    'usage: pnpm firm create --name <name> --admin <email> [--slug <slug>] [--operator <email>]\n',
  );
  process.exit(2);
}
await withAdminControlPlane('firm create', async (opened) => {
  const firm = await createFirm(opened.control.db, operatorActor(flags, 'operator: create a firm'), {
    name: flags.name as string,
    slug: flags.slug,
    adminEmail: flags.admin as string,
  });
  process.stdout.write(`firm ${firm.slug} created (${firm.firmId}); ${flags.admin} is its FirmAdmin\n`);
});

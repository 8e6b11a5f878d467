import { execFileSync } from 'node:child_process';
import { buffer } from 'node:stream/consumers';
import yauzl from 'yauzl';

/**
 * Rendered documents read back as a person's tools read them: a PDF's text by Debian's pdftotext
 * (poppler-utils, which `.ci/run` installs), columns kept on their lines; a zip's files by yauzl.
 */
export function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
}

/** Every file of a zip, by name, in the archive's order. */
export async function unzipEntries(zip: Buffer): Promise<Map<string, Buffer>> {
  const file = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => (err ? fail(err) : ok(z))),
  );
  const out = new Map<string, Buffer>();
  await new Promise<void>((ok, fail) => {
    file.on('error', fail);
    file.on('end', () => ok());
    file.on('entry', (entry: yauzl.Entry) => {
      file.openReadStream(entry, (err, stream) => {
        if (err) return fail(err);
        buffer(stream).then((b) => {
          out.set(entry.fileName, b);
          file.readEntry();
        }, fail);
      });
    });
    file.readEntry();
  });
  return out;
}

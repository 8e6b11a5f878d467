/**
 * A CPU profile of this process over one step of a benchmark, when BENCH_PROFILE_DIR names a
 * directory (made if missing): `<name>.cpuprofile` there (open it in Chrome's DevTools, or sum it with
 * `tsx bench/profile-summary.ts <file>`). Without the variable the step just runs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export async function cpuProfiled<T>(name: string, step: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return step();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // A sample every 100 µs: at the default (1 ms, more on a busy machine) a step of a few hundred
  // milliseconds gives too few samples to tell its functions apart.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await step();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * Run the built CLI's `main` inside the test process, capturing stdout/stderr: the same compiled code as
 * `runCli` (dist/, built by the global setup) without paying a Node start-up per call, so bad-input
 * tables stay fast. A few tests still spawn the real binary (runCli) to check exit codes end to end.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliResult } from '../cli-helpers.js';

type Main = (argv: string[]) => Promise<number>;
let mainFn: Main | null = null;

export async function runInProcess(args: string[]): Promise<CliResult> {
  if (!mainFn) {
    const mod = (await import(pathToFileURL(join(process.cwd(), 'dist', 'src', 'cli', 'main.js')).href)) as {
      main: Main;
    };
    mainFn = mod.main;
  }
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await mainFn(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { build } from 'vite';
import { CHROMIUM } from './harness.js';

/** Build the app exactly as `npm run build:web` does, and the CLI (for the `flatlab serve` test). */
export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(`e2e: Chromium not found at ${CHROMIUM} (apt-get install chromium, or set FLATLAB_CHROMIUM)`);
  await build({ root: 'web', configFile: 'web/vite.config.ts', logLevel: 'warn' });
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  } catch {
    // tsc still emits on type errors elsewhere in the tree; the serve test then runs what was emitted.
    console.warn('e2e: tsc reported errors; continuing with the emitted dist/');
  }
}

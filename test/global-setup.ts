import { execFileSync } from 'node:child_process';

/** Build the CLI once so CLI tests run the same compiled code a user runs. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}

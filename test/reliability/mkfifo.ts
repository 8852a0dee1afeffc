/** mkfifo(1) for tests: Node has no API that creates a named pipe. */
import { execFileSync } from 'node:child_process';

export function mkfifoSync(path: string): void {
  execFileSync('mkfifo', [path]);
}

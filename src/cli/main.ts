/**
 * The flatlab CLI entry. Usage errors and invalid input print one line and exit 2; anything else is a
 * bug and prints its stack (exit 1).
 */
import { Command, CommanderError } from 'commander';
import { DivergenceError, InputError } from '../errors.js';
import { initBackend } from '../node/backend.js';
import { VERSION } from '../version.js';
import { registrars } from './commands/index.js';
import { diskFullMessage } from './disk-full.js';

export function buildProgram(): Command {
  const program = new Command('flatlab')
    .description('flatness and generalization of 2-layer homogeneous networks on Gaussian multi-index data')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of registrars) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await initBackend();
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; usage errors exit 2 (commander already printed the message)
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`flatlab: ${e.message}\n`);
      return 2;
    }
    if (e instanceof DivergenceError) {
      process.stderr.write(`flatlab: ${e.message}\n`);
      return 3;
    }
    const full = diskFullMessage(e);
    if (full) {
      process.stderr.write(`flatlab: ${full}\n`);
      return 2;
    }
    process.stderr.write(`flatlab: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

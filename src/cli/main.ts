/**
 * The flatlab CLI entry. Usage errors and invalid input print one line and exit 2; anything else is a
 * bug and prints its stack (exit 1).
 */
import { Command, CommanderError, Option } from 'commander';
import { DivergenceError, InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { COMMANDS, requestedCommand } from './commands/index.js';
import { quietOnBrokenPipe } from './broken-pipe.js';
import { diskFullMessage } from './disk-full.js';

/**
 * The program for `argv`: the requested command's module is loaded and registered; every other command
 * is a stub with its name and summary (enough for the top-level help and for commander's suggestions).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('flatlab')
    .description('flatness and generalization of 2-layer homogeneous networks on Gaussian multi-index data')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const wanted = requestedCommand(argv);
  for (const c of COMMANDS) {
    if (c === wanted) {
      (await c.load()).register(program);
      continue;
    }
    const stub = program.command(c.name).description(c.summary);
    if (c.args) stub.argument(c.args);
    if (c.options) stub.addOption(new Option('--options').hideHelp());
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  quietOnBrokenPipe();
  try {
    const program = await buildProgram(argv);
    program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
    // Help and the version need no linear algebra: the backend (and its native addon) loads for real work only.
    if (requestedCommand(argv) && !argv.some((a) => a === '--help' || a === '-h' || a === 'help'))
      await (await import('../node/backend.js')).initBackend();
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

/**
 * The flatlab CLI entry. Usage errors and invalid input print one line and exit 2; anything else is a
 * bug and prints its stack (exit 1).
 */
import { Command, CommanderError, Option } from 'commander';
import { DivergenceError, InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { quietOnBrokenPipe } from './broken-pipe.js';
import { COMMANDS, requestedCommand } from './commands/index.js';
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
    // --version names the backend and GEMM kernels too, which are known only once the backend is up.
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
      const { initBackend, versionText } = await import('../node/backend.js');
      await initBackend();
      process.stdout.write(versionText(VERSION));
      return 0;
    }
    const program = await buildProgram(argv);
    program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
    // Help and the version need no linear algebra: the backend (and its native addon) loads for real work only.
    if (requestedCommand(argv) && !argv.some((a) => a === '--help' || a === '-h' || a === 'help'))
      await (await import('../node/backend.js')).initBackend();
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return exitCodeOf(e);
  }
}

/** The exit code of a failed run, after printing its one line (a stack only for a bug). */
function exitCodeOf(e: unknown): number {
  // help and version exit 0; usage errors exit 2 (commander already printed the message)
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof InputError || e instanceof DivergenceError) {
    process.stderr.write(`flatlab: ${e.message}\n`);
    return e instanceof InputError ? 2 : 3;
  }
  const full = diskFullMessage(e);
  if (full) {
    process.stderr.write(`flatlab: ${full}\n`);
    return 2;
  }
  process.stderr.write(`flatlab: internal error: ${(e as Error).stack ?? String(e)}\n`);
  return 1;
}

/**
 * The CLI loads only the module of the command it runs (src/cli/commands/index.ts); the catalogue that
 * stands in for the others in `flatlab --help` must say exactly what each command says of itself.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, requestedCommand } from '../../src/cli/commands/index.js';
import { runCli } from '../cli-helpers.js';

describe('the command catalogue', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: summary, options and arguments match its module',
    async (_n, c) => {
      const program = new Command('flatlab');
      (await c.load()).register(program);
      const real = program.commands.find((x) => x.name() === c.name);
      expect(real).toBeDefined();
      expect(real?.description()).toBe(c.summary);
      expect((real?.options.length ?? 0) > 0).toBe(c.options);
      const args = real?.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
      expect(args || undefined).toBe(c.args);
    },
  );

  it('requestedCommand finds the command after options and after help', () => {
    expect(requestedCommand(['--quiet', 'train', '--out', 'x'])?.name).toBe('train');
    expect(requestedCommand(['help', 'measure'])?.name).toBe('measure');
    expect(requestedCommand(['--version'])).toBeNull();
    expect(requestedCommand(['nope'])).toBeNull();
  });

  it('--version and --help work without loading any command; an unknown command is exit 2', () => {
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c.name}`);
    expect(runCli(['bogus']).code).toBe(2);
  });
});

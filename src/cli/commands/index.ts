/**
 * Every `flatlab` sub-command registers itself here. Each command lives in its own file and is a
 * thin shell: parse and validate flags, read files, call the core, print or write the result.
 */
import type { Command } from 'commander';

export type CommandRegistrar = (program: Command) => void;

export const registrars: CommandRegistrar[] = [];

/**
 * CLI flags from a declarative parameter table (src/params/table.ts): one `--flag <value>` per entry,
 * its help followed by the allowed values and the default, so every command states a range the same way.
 */
import type { Command } from 'commander';
import { flagName, type ParamDef } from '../params/table.js';

/** The allowed values as --help shows them: " (a | b)" for an enum, " (min–max)" or " (min+)", else nothing. */
export function rangeHelp(def: ParamDef): string {
  if (def.type === 'enum') return ` (${def.choices?.join(' | ')})`;
  if (def.min === undefined) return '';
  return ` (${def.min}${def.max !== undefined ? `–${def.max}` : '+'})`;
}

/** "; default 0.1", or nothing for an empty-string default (a flag that is off unless given). */
export const defaultHelp = (def: ParamDef): string => (def.default === '' ? '' : `; default ${String(def.default)}`);

/** One option per parameter of the table: help, range, then what `describeDefault` says of its default. */
export function addParamOptions(
  cmd: Command,
  table: readonly ParamDef[],
  describeDefault: (def: ParamDef) => string = defaultHelp,
): void {
  for (const def of table)
    cmd.option(`${flagName(def.key)} <value>`, `${def.help}${rangeHelp(def)}${describeDefault(def)}`);
}

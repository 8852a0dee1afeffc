/**
 * Every `flatlab` sub-command registers itself here. Each command lives in its own file and is a
 * thin shell: parse and validate flags, read files, call the core, print or write the result.
 */
import type { Command } from 'commander';
import { register as sweep } from './sweep.js';
import { register as worker } from './worker.js';
import { register as serve } from './serve.js';
import { register as data } from './data.js';
import { register as construct } from './construct.js';
import { register as measure } from './measure.js';
import { register as rescale } from './rescale.js';
import { register as train } from './train.js';
import { register as reproduce } from './reproduce.js';
import { register as results } from './results.js';
import { register as estimateTrace } from './estimate-trace.js';

export type CommandRegistrar = (program: Command) => void;

/** In the order `flatlab --help` lists them: the workflow from data to report, then scale-out and the playground. */
export const registrars: CommandRegistrar[] = [
  data,
  construct,
  measure,
  rescale,
  train,
  estimateTrace,
  reproduce,
  results,
  sweep,
  worker,
  serve,
];

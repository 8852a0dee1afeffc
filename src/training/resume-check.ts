/**
 * Whether a schema-valid checkpoint (checkpoint-schema.ts) can belong to the command resuming from it.
 * A checkpoint edited to another width, optimizer kind or step count is well-formed but would resume
 * into a model that disagrees with its own configuration: refused here in one line.
 */
import { InputError } from '../errors.js';
import type { Checkpoint } from './checkpoint-schema.js';
import { effectiveOptimizer, type TrainConfig } from './params.js';
import { nextWidth } from './search.js';

/** The widths a run of `config` can have: the starting width, then each width the search may raise it to. */
function reachableWidths(c: TrainConfig, start: number): Set<number> {
  const out = new Set([start]);
  if (c.algo !== 'flattest') return out;
  for (let w = nextWidth(c, start); 'width' in w; w = nextWidth(c, w.width)) out.add(w.width);
  return out;
}

/**
 * Check a (schema-valid) checkpoint against the command's configuration, so that a run never resumes
 * into a state its configuration could not have reached: the same configuration (algorithm included),
 * a width the run can have (`startWidth`, or one the flattest search raises it to), the optimizer
 * state of the configured kind, step counters within the step budget and consistent with the search's
 * record of its runs, and a rate no larger than the configured one (the curvature cap only lowers it).
 */
export function checkCheckpointAgainstConfig(ck: Checkpoint, c: TrainConfig, startWidth: number, where: string): void {
  const bad = (what: string): never => {
    throw new InputError(`${where}: ${what}; use a new output folder or the command that made it`);
  };
  if (JSON.stringify(ck.config) !== JSON.stringify(c)) bad('it was made with a different configuration');
  const isSearch = c.algo === 'flattest';
  if (isSearch !== (ck.search !== undefined)) bad(`its search state does not match algo ${c.algo}`);
  const widths = reachableWidths(c, startWidth);
  if (!widths.has(ck.m)) bad(`m = ${ck.m} is not a width this run can have (width ${startWidth})`);
  const kind = effectiveOptimizer(c);
  if (ck.opt.kind !== kind) bad(`opt.kind = ${ck.opt.kind} but the configuration uses ${kind}`);
  if ((ck.opt.m1 === null) !== (kind === 'sgd' && c.momentum === 0))
    bad(`opt.m1 ${ck.opt.m1 === null ? 'is missing' : 'is present'} for optimizer ${kind} with momentum ${c.momentum}`);
  if (ck.lr !== undefined && !(ck.lr <= c.lr)) bad(`lr = ${ck.lr} exceeds the configured lr = ${c.lr}`);
  if (ck.polishIter > c.polishSteps) bad(`polishIter = ${ck.polishIter} exceeds polishSteps = ${c.polishSteps}`);
  const s = ck.search;
  const runStep = s ? s.runStep : ck.step;
  if (runStep > c.steps) bad(`step ${runStep} exceeds steps = ${c.steps}`);
  if (ck.opt.t > runStep) bad(`opt.t = ${ck.opt.t} exceeds the step ${runStep}`);
  if (s) checkSearchRecord(ck, s, widths, bad);
}

/** The flattest search's record: runs and step counters consistent with each other, widths reachable. */
function checkSearchRecord(
  ck: Checkpoint,
  s: NonNullable<Checkpoint['search']>,
  widths: Set<number>,
  bad: (what: string) => never,
): void {
  const done = s.runs.length === s.run + 1 && ck.phase === 'done';
  if (s.runs.length !== s.run && !done) bad(`search.runs holds ${s.runs.length} runs at run ${s.run}`);
  const before = s.runs.reduce((t, r) => t + r.steps, 0) + (done ? 0 : s.runStep);
  if (before !== ck.step) bad(`step = ${ck.step} but the search's runs took ${before} steps`);
  for (const r of s.runs) if (!widths.has(r.width)) bad(`a search run has width ${r.width}, not one this run can have`);
  if (s.best && !widths.has(s.best.m)) bad(`search.best has width ${s.best.m}, not one this run can have`);
}

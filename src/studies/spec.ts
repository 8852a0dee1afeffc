/**
 * Study specs: a study type, a grid over its parameters for each scale (smoke / default / full), seeds,
 * and the outputs to tabulate. Specs are YAML or JSON; validation is strict (unknown fields, wrong
 * types, empty grid axes and impossible trials are rejected) and every message names the field, so
 * nothing runs until the whole spec is sound.
 */
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { MAX_SEED } from '../params/table.js';
import { checkSpecCost } from './cost.js';
import type { RegisteredStudy } from './definition.js';
import { FIELDS, type FieldName } from './fields.js';
import { STUDY_TYPE_NAMES, studyType } from './registry.js';

export type Params = Record<string, unknown>;

export const SCALES = ['smoke', 'default', 'full'] as const;
export type Scale = (typeof SCALES)[number];

export interface ScaleSpec {
  readonly seeds: readonly number[];
  /** Field → values (one value is a one-point axis). */
  readonly grid: Readonly<Record<string, readonly unknown[]>>;
}

export interface StudySpec {
  readonly name: string;
  readonly study: string;
  readonly hypothesis: string;
  readonly title: string;
  readonly description?: string;
  /** Grid values shared by every scale (a scale's grid overrides a field). */
  readonly base: Readonly<Record<string, readonly unknown[]>>;
  readonly scales: Readonly<Record<Scale, ScaleSpec>>;
  /** Metrics shown in the report table (default: all the type's metrics). */
  readonly outputs: readonly string[];
  /** The text the spec was parsed from (copied into the report's specs/ folder), when it came from text. */
  readonly text?: string;
}

const strict = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${Object.keys(shape).join(', ')})`
        : undefined,
  });

function gridSchema(type: RegisteredStudy) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of Object.keys(type.defaults) as FieldName[]) {
    shape[f] = z
      .preprocess(
        (v) => (Array.isArray(v) || v === undefined ? v : [v]),
        z.array(FIELDS[f]).min(1, { error: 'empty grid axis (give at least one value)' }),
      )
      .optional();
  }
  return strict(shape);
}

/** A trial's seed, in a spec and in a sweep job: an integer in [0, MAX_SEED]. */
export const seedSchema = z.number().int().min(0).max(MAX_SEED);

function specSchema(type: RegisteredStudy) {
  const grid = gridSchema(type);
  const scale = strict({
    seeds: z.array(seedSchema).min(1, { error: 'empty seed list (give at least one seed)' }),
    grid: grid.optional(),
  });
  return strict({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lowercase letters, digits and dashes' }),
    study: z.literal(type.name),
    hypothesis: z.string().optional(),
    title: z.string().min(1),
    description: z.string().optional(),
    base: grid.optional(),
    scales: strict({ smoke: scale, default: scale, full: scale }),
    outputs: z
      .array(z.enum(type.metricNames as [string, ...string[]]))
      .min(1)
      .optional(),
  });
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`)
    .join('; ');
}

/**
 * Every trial's parameters of one scale, in a deterministic order (fields sorted, values as listed),
 * less the combinations the study type does not define.
 */
export function gridPoints(spec: StudySpec, scale: Scale): Params[] {
  const type = studyType(spec.study);
  if (!type) throw new InputError(`study: unknown study type "${spec.study}"`);
  const axes: Record<string, readonly unknown[]> = {};
  for (const [f, v] of Object.entries(type.defaults)) axes[f] = [v];
  Object.assign(axes, spec.base, spec.scales[scale].grid);
  // A target given by `links` replaces the preset `target` (whose default would otherwise stay in).
  if (Object.hasOwn(spec.base, 'links') || Object.hasOwn(spec.scales[scale].grid, 'links')) delete axes.target;
  let points: Params[] = [{}];
  for (const f of Object.keys(axes).sort()) {
    const next: Params[] = [];
    for (const p of points)
      for (const v of axes[f]) {
        // Absent optional fields stay absent: the trial's parameters (and key) are as before they existed.
        const q = { ...p };
        if (v !== undefined) q[f] = v;
        next.push(q);
      }
    points = next;
  }
  // Combinations the study type does not define (StudyDefinition.applies) are not trials.
  return points.filter((p) => type.applies(p));
}

/** Parse and validate a spec object; `source` names it in errors (a file name). */
export function validateSpec(raw: unknown, source = 'study spec'): StudySpec {
  const where = `${source}: `;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new InputError(`${where}a study spec must be an object`);
  const studyName = (raw as Record<string, unknown>).study;
  const type = typeof studyName === 'string' ? studyType(studyName) : undefined;
  if (!type) {
    throw new InputError(
      `${where}study: must be one of ${STUDY_TYPE_NAMES.join(', ')} (got ${JSON.stringify(studyName)})`,
    );
  }
  const r = specSchema(type).safeParse(raw);
  if (!r.success) throw new InputError(`${where}${formatIssues(r.error.issues)}`);
  const v = r.data as z.infer<ReturnType<typeof specSchema>>;
  const scaleOf = (s: Scale): ScaleSpec => ({
    seeds: v.scales[s].seeds,
    grid: (v.scales[s].grid ?? {}) as Record<string, unknown[]>,
  });
  const spec: StudySpec = {
    name: v.name,
    study: v.study,
    hypothesis: v.hypothesis ?? type.hypothesis,
    title: v.title,
    description: v.description,
    base: (v.base ?? {}) as Record<string, unknown[]>,
    scales: { smoke: scaleOf('smoke'), default: scaleOf('default'), full: scaleOf('full') },
    outputs: v.outputs ?? type.metricNames,
  };
  checkSpecCost(spec, where, type); // before the loop below expands the grid
  checkTrials(spec, type, where);
  return spec;
}

/** One way to give the target per scale, and the study's cross-field checks on every trial of every scale. */
function checkTrials(spec: StudySpec, type: RegisteredStudy, where: string): void {
  for (const s of SCALES) {
    const sets = (f: string) => Object.hasOwn(spec.base, f) || Object.hasOwn(spec.scales[s].grid, f);
    if (sets('target') && sets('links'))
      throw new InputError(`${where}scales.${s}: give the target either as target (a preset) or as links, not both`);
  }
  // Cross-field checks on every trial of every scale, so an impossible full-scale trial is caught too.
  for (const s of SCALES) {
    for (const p of gridPoints(spec, s)) {
      const msg = type.check(p);
      if (msg) throw new InputError(`${where}scales.${s}.grid: ${msg}`);
    }
  }
}

/** Longest spec text and most `:` (key indicators) parsed: the built-in specs use under 2 KB and 50 keys. */
export const SPEC_LIMITS = { bytes: 256 * 1024, keys: 2000 } as const;

/** Parse a spec from YAML or JSON text (JSON is YAML): exactly one document, within SPEC_LIMITS. */
export function parseSpec(text: string, source = 'study spec'): StudySpec {
  // YAML parsing is superlinear in the number of keys: bound the input before the parser sees it.
  if (text.length > SPEC_LIMITS.bytes)
    throw new InputError(`${source}: ${text.length} characters, over the spec limit of ${SPEC_LIMITS.bytes}`);
  let colons = 0;
  for (let i = text.indexOf(':'); i >= 0 && colons <= SPEC_LIMITS.keys; i = text.indexOf(':', i + 1)) colons++;
  if (colons > SPEC_LIMITS.keys)
    throw new InputError(`${source}: more than ${SPEC_LIMITS.keys} keys, over the spec limit`);
  let raw: unknown;
  let problem: string | undefined;
  try {
    // Warnings (an unresolved tag such as `!t4ll`) are refused too, and never printed as a second line.
    const docs = parseAllDocuments(text, { logLevel: 'silent' });
    const list = Array.isArray(docs) ? docs : [docs];
    if (list.length !== 1) problem = `${list.length} YAML documents; a spec file holds exactly one`;
    else {
      const doc = list[0];
      problem = (doc.errors[0] ?? doc.warnings[0])?.message;
      if (problem === undefined) raw = doc.toJS();
    }
  } catch (e) {
    problem = (e as Error).message;
  }
  if (problem !== undefined) throw new InputError(`${source}: not valid YAML/JSON (${problem.split('\n')[0]})`);
  return { ...validateSpec(raw, source), text };
}

/** The specs of one run, refusing two with one name (their trials, figures and tables would overwrite each other). */
export function uniqueSpecs(specs: StudySpec[], sources: readonly string[]): StudySpec[] {
  const seen = new Map<string, string>();
  specs.forEach((s, i) => {
    const first = seen.get(s.name);
    if (first !== undefined)
      throw new InputError(
        `${sources[i]}: study name "${s.name}" is already used by ${first}; names must be unique in a run`,
      );
    seen.set(s.name, sources[i]);
  });
  return specs;
}

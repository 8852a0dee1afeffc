/**
 * A study trial's teacher and student, from its fields: the student `activation` in the CLI's syntax
 * (`relu`, `leaky-relu:0.1`, `relu-pow:3`, …; the deprecated alias relu2 is still read), and the target either as a
 * named preset (`target`, the old field, including `matched` / `matched2`) or in the CLI's own terms
 * (`links`, `r`, `coeffs`, `input`, `index`), parsed by the same code as `flatlab data`
 * (src/data/params.ts). Whether the student represents the target exactly is decided by the teacher
 * construction's rule (src/interpolators/teacher.ts `linkRepresentation`), not by a list of names.
 */

import type { DataParams } from '../data/generate.js';
import { parseDataParams } from '../data/params.js';
import { type LinkSpec, MULTI_LINKS, type MultiLink } from '../data/target.js';
import { InputError } from '../errors.js';
import { linkRepresentation } from '../interpolators/teacher.js';
import { type Activation, makeActivation } from '../model/activations.js';
import { activationSpec, canonicalActivation, MATCHED_TARGETS, STUDY_TARGETS, TARGET_ALIASES } from './fields.js';

/** The target fields a study trial may carry (all optional except `target`'s default). */
export interface TargetFields {
  d: number;
  n: number;
  noise: number;
  activation: string;
  target?: string;
  links?: string;
  r?: number;
  coeffs?: string | number;
  input?: string;
  index?: 'random' | 'axes';
}

/** The student activation; studies need a positively homogeneous one (F* and the orbit need k). */
export function studyStudent(name: string, where = 'activation'): Activation & { degree: number } {
  const act = makeActivation(activationSpec(name));
  const k = act.degree;
  if (k === null) throw new InputError(`${where}: "${name}" is not positively homogeneous (σ(ct) = c^k σ(t) needed)`);
  return { ...act, degree: k };
}

/**
 * The "matched" link of a student outside the old preset table: the link the teacher construction
 * represents with it — relu for a ReLU-like σ (relu, leaky-relu, relu-pow:1), abs for |t|, relu-pow:p
 * for relu-pow:p. Two indices ("matched2") add abs to relu (or repeat the link; |t|, which only
 * represents even links, keeps one index), three ("matched3") repeat it three times.
 */
function matchedLinks(act: Activation, indices: 1 | 2 | 3, name: string): LinkSpec[] {
  const candidates: LinkSpec[] =
    act.spec.name === 'relu-pow' ? [{ name: 'relu-pow', p: act.spec.p ?? 2 }] : [{ name: 'relu' }, { name: 'abs' }];
  const link = candidates.find((l) => linkRepresentation(l, act) !== null);
  if (!link) throw new InputError(`target: no link is represented exactly by the student "${name}" (give links)`);
  if (indices === 3) return [link, link, link];
  if (indices === 1 || link.name === 'abs') return [link];
  return link.name === 'relu' && linkRepresentation({ name: 'abs' }, act) ? [link, { name: 'abs' }] : [link, link];
}

/** Matched targets by their number of indices ("matched3": three copies of the matched link). */
const MATCHED_INDICES: Record<string, 1 | 2 | 3 | undefined> = { matched: 1, matched2: 2, matched3: 3 };

/** One link in the CLI's syntax. */
function linkText(l: LinkSpec): string {
  if (l.name === 'relu-pow') return `relu-pow:${l.p}`;
  if (l.name === 'hermite') return `hermite:${l.coeffs.join(',')}`;
  return l.name;
}

/** A trial's target, resolved: the data parameters (without seed and n) and a label. */
export interface ResolvedTarget {
  /** The preset name, or the links in the CLI's syntax. */
  label: string;
  r: number;
  links: LinkSpec[] | MultiLink;
  coeffs?: number[];
  /** Parsed input law and index kind; absent = the defaults (Gaussian inputs, a random index). */
  data: Omit<DataParams, 'n' | 'seed'>;
}

function presetTarget(target: string, act: string): { label: string; links: LinkSpec[]; coeffs: number[] } | null {
  // Old spellings (relu2, relu2+relu2) are read here too, for callers that bypass the spec schema.
  const mapped = MATCHED_TARGETS[target]?.[canonicalActivation(act)];
  const name = mapped ?? TARGET_ALIASES[target] ?? target;
  const preset = (
    STUDY_TARGETS as Record<string, { links: readonly LinkSpec[]; coeffs: readonly number[] } | undefined>
  )[name];
  if (!preset) return null;
  // Copies: the presets are shared constants and the dataset keeps what it is given.
  return { label: name, links: preset.links.map((l) => JSON.parse(JSON.stringify(l))), coeffs: [...preset.coeffs] };
}

/** Resolve the target fields of a trial; InputError (one line, naming the field) when they do not fit. */
export function resolveStudyTarget(p: TargetFields): ResolvedTarget {
  return p.links === undefined ? presetStudyTarget(p) : linksStudyTarget(p, p.links);
}

/** A target given by name: a preset, or a matched target's links for the trial's activation. */
function presetStudyTarget(p: TargetFields): ResolvedTarget {
  const extra = p.input !== undefined || p.index !== undefined;
  if (p.r !== undefined || p.coeffs !== undefined)
    throw new InputError('r / coeffs: they apply to a target given by links (the presets fix their own)');
  const target = p.target ?? 'relu';
  let preset = presetTarget(target, p.activation);
  const indices = MATCHED_INDICES[target];
  if (!preset && indices) {
    const links = matchedLinks(studyStudent(p.activation), indices, p.activation);
    preset = { label: links.map(linkText).join('+'), links, coeffs: links.map(() => 1) };
  }
  if (!preset) throw new InputError(`target: unknown target "${target}"`);
  if (preset.links.length > p.d)
    throw new InputError(
      `d = ${p.d}: target "${target}" has ${preset.links.length} index directions and needs d ≥ ${preset.links.length}`,
    );
  const data: Omit<DataParams, 'n' | 'seed'> = {
    d: p.d,
    r: preset.links.length,
    links: preset.links,
    coeffs: preset.coeffs,
    noise: p.noise,
    index: 'random',
  };
  if (extra) Object.assign(data, parseDataExtras(p, preset.links.length));
  return { label: preset.label, r: preset.links.length, links: preset.links, coeffs: preset.coeffs, data };
}

/** A target given by its links (the data generator's syntax). */
function linksStudyTarget(p: TargetFields, links: string): ResolvedTarget {
  const text = links.trim();
  const parts = text.split('+').length;
  const multi = MULTI_LINKS.some((l) => l === text);
  const r = p.r ?? (multi ? 2 : parts);
  const parsed = parseDataParams(
    {
      d: p.d,
      n: p.n,
      r,
      links: text,
      coeffs: p.coeffs === undefined ? '' : String(p.coeffs),
      noise: p.noise,
      input: p.input ?? 'gaussian',
      index: p.index ?? 'random',
      seed: 0,
    },
    '',
  );
  const { n: _n, seed: _s, ...data } = parsed;
  const parsedLinks = typeof parsed.links === 'string' ? multiLink(parsed.links) : parsed.links;
  return { label: text, r, links: parsedLinks, coeffs: parsed.coeffs, data };
}

function multiLink(s: string): MultiLink {
  const m = MULTI_LINKS.find((l) => l === s);
  if (!m) throw new InputError(`links: "${s}" is not a multi-index link (${MULTI_LINKS.join(', ')})`);
  return m;
}

/** Input law and index of a preset target (parsed by the data command's code). */
function parseDataExtras(p: TargetFields, r: number): Pick<DataParams, 'input' | 'index'> {
  const parsed = parseDataParams(
    { d: p.d, n: p.n, r, links: 'relu', input: p.input ?? 'gaussian', index: p.index ?? 'random', seed: 0 },
    '',
  );
  return { input: parsed.input, index: parsed.index };
}

/**
 * Whether the student represents the target exactly (zero approximation error): every link of a sum
 * target is representable by the teacher construction's rule; a multi-index link (product, max, norm)
 * is not.
 */
export function representsExactly(t: ResolvedTarget, act: Activation): boolean {
  return typeof t.links !== 'string' && t.links.every((l) => linkRepresentation(l, act) !== null);
}

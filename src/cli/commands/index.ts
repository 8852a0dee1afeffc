/**
 * Every `flatlab` sub-command, as a catalogue: its name, the line `flatlab --help` lists, and a loader
 * for its module. Each command lives in its own file and is a thin shell: parse and validate flags,
 * read files, call the core, print or write the result. Only the module of the command being run is
 * imported (main.ts), so `--version`, `--help` and each command start without loading the others;
 * test/reliability/startup.test.ts checks that every summary matches its command's own description.
 */
import type { Command } from 'commander';

export type CommandRegistrar = (program: Command) => void;

export interface CommandEntry {
  readonly name: string;
  /** The command's description, as its module registers it. */
  readonly summary: string;
  /** Whether it takes options (the listing shows `[options]`), and its arguments as written in the listing. */
  readonly options: boolean;
  readonly args?: string;
  load(): Promise<{ register: CommandRegistrar }>;
}

/** In the order `flatlab --help` lists them: the workflow from data to report, then scale-out and the playground. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'data',
    summary: 'generate a Gaussian multi-index data set y = f*(x) + σ_ε ε (or import a CSV table) and write it as JSON',
    options: true,
    load: () => import('./data.js'),
  },
  {
    name: 'construct',
    summary:
      'build an interpolator of a data set: teacher (exact f* + memorized noise), memorizer (w_j = x_j/‖x_j‖), random-features (minimum-norm a), flattest (the flattest interpolator for k = 1 by convex column generation, with a certified bracket; docs/math.md#convex-flattest)',
    options: true,
    args: '<kind>',
    load: () => import('./construct.js'),
  },
  {
    name: 'measure',
    summary:
      'exact Hessian trace (with Gauss–Newton and residual parts), invariant flatness F*, path norm, train loss and population risk of a model',
    options: true,
    load: () => import('./measure.js'),
  },
  {
    name: 'rescale',
    summary:
      'apply the rescaling symmetry (a_j, w_j) ↦ (c_j^{-k} a_j, c_j w_j): same function, same F*, different raw trace',
    options: true,
    load: () => import('./rescale.js'),
  },
  {
    name: 'train',
    summary:
      'train a 2-layer network on a data set with one of the algorithms (gd, sgd, adam, sam, 1sam, asam, label-noise, trace-penalty, invariant-penalty, flattest); resumes from DIR/checkpoint.json',
    options: true,
    load: () => import('./train.js'),
  },
  {
    name: 'estimate-trace',
    summary:
      'Hutchinson / Hutch++ estimates of the Hessian trace with standard errors, beside the exact value, and error-vs-budget data',
    options: true,
    load: () => import('./estimate-trace.js'),
  },
  {
    name: 'spectrum',
    summary:
      'Hessian spectrum of a model on a data set: top-k eigenvalues by Lanczos and the spectral density by stochastic Lanczos quadrature, with a figure',
    options: true,
    load: () => import('./spectrum.js'),
  },
  {
    name: 'reproduce',
    summary:
      'run the built-in studies (H1–H4, algorithms, estimators) resumably and write an HTML report with verdicts',
    options: true,
    load: () => import('./reproduce.js'),
  },
  { name: 'results', summary: 'inspect a results database', options: false, load: () => import('./results.js') },
  {
    name: 'sweep',
    summary: 'distributed sweeps over Redis (BullMQ): submit, collect, status; see docs/sweeps.md',
    options: false,
    load: () => import('./sweep.js'),
  },
  {
    name: 'worker',
    summary: 'run sweep trials from a Redis queue (see docs/sweeps.md); stop with Ctrl-C',
    options: true,
    load: () => import('./worker.js'),
  },
  {
    name: 'serve',
    summary: 'serve the browser playground (built by npm run build:web) on localhost and print its URL',
    options: true,
    load: () => import('./serve.js'),
  },
];

/** The sub-command `argv` runs (`help X` counts as X), or null for the top level and unknown names. */
export function requestedCommand(argv: readonly string[]): CommandEntry | null {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name) ?? null;
}

#!/usr/bin/env node
// `npm run bench [-- --quick] [--threads N] [--rounds R] [--budget-ms MS] [--skip impl,impl]`
// Times step / trace / hvp / hutchinson100 / gemm for flatlab (native backend as a user gets it, the
// same addon forced onto each of its GEMM kernels, portable backend), numpy, PyTorch and a C program
// calling cblas_dgemm, all with the same thread count, each in its own process; prints medians,
// GFLOP/s against the machine's measured peak and ratios, and writes bench/results.json. A missing
// peer is skipped with a note. --quick: the smallest shape only (< 1 minute).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
};

const quick = flag('quick');
const threads = Number(opt('threads', String(os.availableParallelism())));
if (!Number.isInteger(threads) || threads < 1) {
  console.error(`--threads must be a positive integer (got ${opt('threads', '')})`);
  process.exit(2);
}
const budgetMs = Number(opt('budget-ms', quick ? '600' : '2000'));
const skip = new Set(opt('skip', '').split(',').filter(Boolean));
const SHAPES = quick
  ? [[2000, 100, 500]]
  : [
      [2000, 100, 500],
      [10000, 200, 1000],
      [50000, 50, 256],
    ];
const IMPLS = ['flatlab-native', 'flatlab-builtin', 'flatlab-openblas', 'flatlab-js', 'numpy', 'torch', 'openblas-c'];
const OPS = ['step', 'trace', 'hvp', 'hutchinson100', 'gemm'];
const outPath = resolve(opt('out', join(here, 'results.json')));

const rows = [];
const notes = [];
const peerInfo = {};
const loadStart = os.loadavg();
const rounds = Number(opt('rounds', '1'));

/** Keeps the fastest median of a row over rounds (the others are noise from other users of the CPU). */
function addRow(row) {
  const k = rows.findIndex((r) => r.op === row.op && r.impl === row.impl && r.shape.join() === row.shape.join());
  if (k < 0) rows.push({ ...row, rounds: 1 });
  else rows[k] = { ...(row.medianMs < rows[k].medianMs ? row : rows[k]), rounds: rows[k].rounds + 1 };
}

/** Runs a peer that prints one JSON line {rows, info} last on stdout; progress goes to our stderr. */
function runPeer(impl, cmd, args, env) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  let parsed = null;
  try {
    parsed = JSON.parse(last);
  } catch {
    // reported below
  }
  if (r.status !== 0 || !parsed) {
    notes.push(`${impl}: failed (${r.error ? r.error.message : `exit ${r.status}`}; see messages above)`);
    return;
  }
  for (const row of parsed.rows) addRow(row);
  // Merged, not replaced: an implementation runs more than once (each round, then the deep MLP), and a
  // later run's smaller info (the deep run has no peak) must not drop what an earlier one measured.
  peerInfo[impl] = { ...peerInfo[impl], ...parsed.info };
}

function canRun(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return r.status === 0;
}

const baseEnv = {
  ...process.env,
  OPENBLAS_NUM_THREADS: String(threads),
  OMP_NUM_THREADS: String(threads),
  MKL_NUM_THREADS: String(threads),
};
const tsx = [`--import`, 'tsx', join(here, 'flatlab.ts')];
// numpy: the env notes say OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set here for older OpenBLAS
// builds and slow down numpy's current one, so unset both for this command only.
const npEnv = { ...baseEnv };
delete npEnv.OPENBLAS_CORETYPE;
delete npEnv.OPENBLAS_L2_SIZE;
const torchPy = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'; // Debian's python3-torch

// Which peers can run here (a missing one is skipped with a note).
const available = new Map();
const addonPath = join(root, 'native/build/Release/flatlab_native.node');
const nativeBuilt = existsSync(addonPath);
// Whether the addon has OpenBLAS beside its built-in GEMM (then flatlab-native picks per shape class
// and the rows flatlab-builtin / flatlab-openblas force each kernel).
const withBlas =
  nativeBuilt &&
  spawnSync(process.execPath, ['-p', `require(${JSON.stringify(addonPath)}).config().kernels.join()`], {
    encoding: 'utf8',
  }).stdout?.includes('openblas');
const NOT_BUILT = 'addon not built: a C++ compiler and make, then npm rebuild';
const NO_BLAS = 'addon built without OpenBLAS: flatlab-native is the built-in GEMM';
available.set('flatlab-native', nativeBuilt ? null : NOT_BUILT);
available.set('flatlab-builtin', !nativeBuilt ? NOT_BUILT : withBlas ? null : NO_BLAS);
available.set('flatlab-openblas', !nativeBuilt ? NOT_BUILT : withBlas ? null : NO_BLAS);
available.set('flatlab-js', null);
available.set('numpy', canRun('python3', ['-c', 'import numpy']) ? null : 'python3 with numpy not found');
available.set(
  'torch',
  canRun(torchPy, ['-c', 'import torch'])
    ? null
    : `${torchPy} cannot import torch; Debian: apt-get install python3-torch`,
);
const tmp = mkdtempSync(join(os.tmpdir(), 'flatlab-bench-'));
const exe = join(tmp, 'openblas_gemm');
const cc = spawnSync('cc', ['-O2', '-o', exe, join(here, 'openblas_gemm.c'), '-lopenblas'], { encoding: 'utf8' });
available.set(
  'openblas-c',
  cc.status === 0 ? null : `compile failed: ${(cc.stderr || cc.error?.message || '').split('\n')[0]}`,
);
for (const impl of IMPLS) {
  if (skip.has(impl)) available.set(impl, '--skip');
  const why = available.get(impl);
  if (why) notes.push(`${impl}: skipped (${why})`);
}

// Shape by shape, every implementation in turn, so that compared numbers are taken close together
// in time (the CPU is shared); --rounds R repeats everything and keeps each row's fastest median.
for (let round = 0; round < rounds; round++) {
  for (const shape of SHAPES) {
    const [n, d, m] = shape;
    const common = [
      '--shapes',
      JSON.stringify([shape]),
      '--budget-ms',
      String(budgetMs),
      '--threads',
      String(threads),
      ...(quick ? ['--probes', '10'] : []),
    ];
    process.stderr.write(`(${shape.join(', ')})${rounds > 1 ? ` round ${round + 1}/${rounds}` : ''}\n`);
    const run = (impl, f) => {
      if (!available.get(impl)) f();
    };
    run('flatlab-native', () =>
      runPeer('flatlab-native', process.execPath, [...tsx, '--backend', 'native', ...common], {
        ...baseEnv,
        FLATLAB_THREADS: String(threads),
        FLATLAB_GEMM: '',
      }),
    );
    run('flatlab-builtin', () =>
      runPeer('flatlab-builtin', process.execPath, [...tsx, '--backend', 'native', ...common], {
        ...baseEnv,
        FLATLAB_THREADS: String(threads),
        FLATLAB_GEMM: 'builtin',
      }),
    );
    run('flatlab-openblas', () =>
      runPeer('flatlab-openblas', process.execPath, [...tsx, '--backend', 'native', ...common], {
        ...baseEnv,
        FLATLAB_THREADS: String(threads),
        FLATLAB_GEMM: 'openblas',
      }),
    );
    run('numpy', () => runPeer('numpy', 'python3', [join(here, 'peer_numpy.py'), ...common], npEnv));
    run('torch', () => runPeer('torch', torchPy, [join(here, 'peer_torch.py'), ...common], baseEnv));
    run('openblas-c', () => {
      const r = spawnSync(exe, [n, d, m, budgetMs].map(String), { encoding: 'utf8', env: baseEnv });
      const [ms, reps] = (r.stdout ?? '').trim().split(/\s+/).map(Number);
      if (r.status === 0 && Number.isFinite(ms)) {
        addRow({ op: 'gemm', shape, impl: 'openblas-c', threads, medianMs: ms, reps });
        process.stderr.write(`  openblas-c gemm (${shape}) ${ms.toFixed(1)} ms × ${reps}\n`);
      } else notes.push(`openblas-c: (${shape}) failed (exit ${r.status})`);
    });
    // The portable backend is the slow one; one round of it is enough.
    if (round === 0)
      run('flatlab-js', () => runPeer('flatlab-js', process.execPath, [...tsx, '--backend', 'js', ...common], baseEnv));
  }
}
rmSync(tmp, { recursive: true, force: true });

// The deep MLP (depth 4, biased ReLU): flatlab's exact trace against torch autograd's per-sample-gradient
// trace and torch's 100-probe Hutchinson, same threads. --quick: a small network.
const DEEP = quick ? { n: 1000, widths: [32, 64, 64, 64, 1] } : { n: 10000, widths: [64, 256, 256, 256, 1] };
const deepShape = [DEEP.n, ...DEEP.widths];
const deepArgs = ['--n', String(DEEP.n), '--widths', JSON.stringify(DEEP.widths), '--budget-ms', String(budgetMs)];
process.stderr.write(`deep MLP (n, widths) = (${deepShape.join(', ')})\n`);
if (!available.get('flatlab-native'))
  runPeer(
    'flatlab-native',
    process.execPath,
    ['--import', 'tsx', join(here, 'deep.ts'), '--backend', 'native', ...deepArgs],
    {
      ...baseEnv,
      FLATLAB_THREADS: String(threads),
      FLATLAB_GEMM: '',
    },
  );
if (!available.get('torch'))
  runPeer(
    'torch',
    torchPy,
    [
      join(here, 'peer_torch_deep.py'),
      ...deepArgs,
      '--threads',
      String(threads),
      ...(quick ? ['--sub', '100', '--probes', '3'] : []),
    ],
    baseEnv,
  );

// Peak memory of an exact-trace measurement at (50000, 50, 256) (full run only).
let memory = null;
if (!quick) {
  process.stderr.write('peak memory…\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'peak-memory.ts')], {
    cwd: root,
    env: { ...baseEnv, FLATLAB_THREADS: String(threads) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    memory = JSON.parse((r.stdout ?? '').trim().split('\n').pop() ?? '');
  } catch {
    notes.push(`peak memory: failed (exit ${r.status})`);
  }
}

// Peak memory of the real command, `flatlab measure`, on a generated (50000, 50, 256) problem: data
// set from `flatlab data`, a teacher padded to width 256 from `flatlab construct`; max RSS from
// /usr/bin/time. Needs the built CLI (npm run build). Its file reading (≈ 50 MB of JSON) counts too.
let measureMemory = null;
if (!quick && existsSync(join(root, 'dist/src/cli/main.js')) && existsSync('/usr/bin/time')) {
  process.stderr.write('flatlab measure peak memory…\n');
  const tmp = mkdtempSync(join(os.tmpdir(), 'flatlab-bench-mem-'));
  const cli = (args, env = baseEnv) =>
    spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, join(root, 'bin/flatlab.js'), ...args], {
      cwd: tmp,
      env,
      encoding: 'utf8',
    });
  const gen = cli(['data', '--n', '50000', '--d', '50', '--seed', '1', '--out', 'd.json']);
  const con =
    gen.status === 0 ? cli(['construct', 'teacher', '--data', 'd.json', '--width', '256', '--out', 'm.json']) : gen;
  const mea =
    con.status === 0
      ? cli(['measure', '--data', 'd.json', '--model', 'm.json', '--json'], {
          ...baseEnv,
          FLATLAB_THREADS: String(threads),
        })
      : con;
  const kb = Number(/maxrss_kb=(\d+)/.exec(mea.stderr ?? '')?.[1]);
  if (mea.status === 0 && kb > 0) {
    const bytesXWZ = 8 * (50000 * 50 + 256 * 50 + 50000 * 256);
    measureMemory = {
      command: 'flatlab measure',
      shape: [50000, 50, 256],
      maxRssBytes: kb * 1024,
      bytesXWZ,
      ratio: (kb * 1024) / bytesXWZ,
    };
  } else notes.push(`flatlab measure peak memory: failed (exit ${mea.status}; is the CLI built? npm run build)`);
  rmSync(tmp, { recursive: true, force: true });
}

// ---- report ----
const get = (op, shape, impl) => rows.find((r) => r.op === op && r.impl === impl && r.shape.join() === shape.join());
const fmt = (x) => (x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (peer, ours) => (peer && ours ? `${(peer.medianMs / ours.medianMs).toFixed(2)}×` : '—');
// Nominal flops of each op: its GEMMs' multiply-adds (step 2, trace 1, hvp 3, Hutchinson 100 HVPs);
// the fused passes' elementwise work is not counted, so the rate says how close an op is to its GEMMs.
const GEMMS = { step: 2, trace: 1, hvp: 3, hutchinson100: 300, gemm: 1 };
const gflopsOf = (op, r, [n, d, m]) => (r ? (GEMMS[op] * 2 * n * d * m) / (r.medianMs * 1e6) : undefined);
const gflops = (r, shape) => gflopsOf('gemm', r, shape);
// The peak: register-only FMAs on every thread (native/src/peak.h), measured by each native process
// after its timings; the best of them (the least disturbed by other users of the machine).
const peaks = Object.values(peerInfo)
  .map((i) => i?.peakGflops)
  .filter((x) => typeof x === 'number' && x > 0);
const peak = peaks.length ? Math.max(...peaks) : undefined;

const lines = [];
lines.push(
  `threads ${threads}, budget ${budgetMs} ms per measurement; medians in ms; ratios = peer time / flatlab-native time (> 1: native faster)`,
  peak
    ? `peak ${peak.toFixed(0)} GFLOP/s: ${threads} thread(s) of register-only vector FMAs (native/src/peak.h); GFLOP/s of an op counts its GEMMs' flops only`
    : 'peak: not measured (no native backend)',
);
const COLS = IMPLS.filter((i) => !(available.get(i) ?? '').startsWith('--skip'));
for (const shape of SHAPES) {
  lines.push('', `(n, d, m) = (${shape.join(', ')})`);
  lines.push(
    [
      'op'.padEnd(14),
      ...COLS.map((i) => i.padStart(17)),
      '  nat GF/s',
      ' % peak',
      '  numpy/nat',
      ' torch/nat',
      '    bi/nat',
      '    ob/nat',
      ' op/gemm',
    ].join(''),
  );
  const gmn = get('gemm', shape, 'flatlab-native');
  for (const op of OPS) {
    const nat = get(op, shape, 'flatlab-native');
    const cells = COLS.map((i) => {
      const r = get(op, shape, i);
      return (r ? fmt(r.medianMs) + (r.note ? '*' : '') : '—').padStart(17);
    });
    const gf = gflopsOf(op, nat, shape);
    lines.push(
      [
        op.padEnd(14),
        ...cells,
        fmt(gf).padStart(10),
        (gf && peak ? `${((100 * gf) / peak).toFixed(0)}%` : '—').padStart(7),
        ratio(get(op, shape, 'numpy'), nat).padStart(11),
        ratio(get(op, shape, 'torch'), nat).padStart(10),
        ratio(get(op, shape, 'flatlab-builtin'), nat).padStart(10),
        ratio(get(op, shape, 'flatlab-openblas'), nat).padStart(10),
        (nat && gmn ? `${(nat.medianMs / gmn.medianMs).toFixed(2)}×` : '—').padStart(8),
      ].join(''),
    );
  }
  lines.push(
    ['GFLOP/s gemm'.padEnd(14), ...COLS.map((i) => fmt(gflops(get('gemm', shape, i), shape)).padStart(17))].join(''),
  );
}
{
  const nat = get('deep-trace', deepShape, 'flatlab-native');
  lines.push(
    '',
    `deep MLP exact Hessian trace, (n, widths) = (${deepShape.join(', ')}), biased ReLU, depth ${DEEP.widths.length - 1}`,
  );
  for (const impl of ['flatlab-native', 'torch-autograd', 'torch-hutchinson100']) {
    const r = get('deep-trace', deepShape, impl);
    lines.push(
      `  ${impl.padEnd(22)}${(r ? fmt(r.medianMs) + (r.note ? '*' : '') : '—').padStart(10)} ms   ${impl === 'flatlab-native' ? '' : `${ratio(r, nat)} of native`}`,
    );
  }
}
if (rows.some((r) => r.note))
  lines.push(
    '',
    '* timed with fewer Hutchinson probes and scaled to 100 (probes are independent and cost the same): see "note" in results.json',
  );

// The performance claims of docs/performance.md that this run can judge.
const checks = [];
const check = (name, value, pass) => checks.push({ check: name, value, pass });
for (const shape of SHAPES) {
  for (const op of ['step', 'trace', 'hvp']) {
    const nat = get(op, shape, 'flatlab-native');
    for (const [peer, min] of [
      ['numpy', 1.2],
      ['torch', 3],
    ]) {
      const p = get(op, shape, peer);
      if (nat && p)
        check(
          `${op} native ≥ ${min.toFixed(1)}× ${peer} at (${shape})`,
          p.medianMs / nat.medianMs,
          p.medianMs / nat.medianMs >= min,
        );
    }
  }
  const gmn = get('gemm', shape, 'flatlab-native');
  for (const [op, max] of [
    ['trace', 1.3],
    ['step', 2.3],
  ]) {
    const r = get(op, shape, 'flatlab-native');
    if (r && gmn)
      check(
        `native ${op} ≤ ${max}× native gemm at (${shape})`,
        r.medianMs / gmn.medianMs,
        r.medianMs / gmn.medianMs <= max,
      );
  }
  const np = get('gemm', shape, 'numpy');
  if (np && gmn)
    check(`gemm native ≥ 0.9× numpy at (${shape})`, np.medianMs / gmn.medianMs, np.medianMs / gmn.medianMs >= 0.9);
  for (const impl of ['flatlab-builtin', 'flatlab-openblas']) {
    const r = get('step', shape, impl);
    const nat = get('step', shape, 'flatlab-native');
    if (r && nat)
      check(
        `step native (chosen kernels) ≥ 0.9× ${impl} at (${shape})`,
        r.medianMs / nat.medianMs,
        r.medianMs / nat.medianMs >= 0.9,
      );
  }
  const j = gflops(get('gemm', shape, 'flatlab-js'), shape);
  if (j) check(`gemm js ≥ 4 GFLOP/s at (${shape})`, j, j >= 4);
}
const big = [10000, 200, 1000];
const tr = get('trace', big, 'flatlab-native');
const th = get('hutchinson100', big, 'torch');
if (tr && th)
  checks.push({
    check: 'exact trace ≥ 50× faster than torch Hutchinson-100 at (10000,200,1000)',
    value: th.medianMs / tr.medianMs,
    pass: th.medianMs / tr.medianMs >= 50,
  });
if (memory)
  checks.push({
    check: 'peak memory of an exact trace at (50000,50,256) ≤ 2× bytes(X, W, Z)',
    value: memory.ratio,
    pass: memory.ratio <= 2,
  });
if (measureMemory)
  checks.push({
    check: 'peak memory of `flatlab measure` at (50000,50,256) ≤ 2× bytes(X, W, Z)',
    value: measureMemory.ratio,
    pass: measureMemory.ratio <= 2,
  });
if (checks.length) {
  lines.push('', 'acceptance:');
  for (const c of checks) lines.push(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.check}: ${c.value.toFixed(2)}`);
}
if (memory)
  lines.push(
    '',
    `peak memory: max RSS ${(memory.maxRssBytes / 2 ** 20).toFixed(0)} MiB (process before data ${(memory.baselineRssBytes / 2 ** 20).toFixed(0)} MiB) vs X+W+Z ${(memory.bytesXWZ / 2 ** 20).toFixed(0)} MiB`,
  );
if (measureMemory)
  lines.push(
    `flatlab measure: max RSS ${(measureMemory.maxRssBytes / 2 ** 20).toFixed(0)} MiB (includes reading the 50 MB data file)`,
  );
if (notes.length) lines.push('', 'notes:', ...notes.map((n) => `  ${n}`));
const loadEnd = os.loadavg();
lines.push(
  '',
  `load average at start ${loadStart[0].toFixed(2)}, at end ${loadEnd[0].toFixed(2)} (${os.availableParallelism()} CPUs): numbers are noisy when others use the machine`,
);
console.log(lines.join('\n'));

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cpus: os.availableParallelism(),
  memoryBytes: os.totalmem(),
  platform: `${os.platform()} ${os.release()}`,
  node: process.version,
  date: new Date().toISOString(),
  loadAverage: { start: loadStart, end: loadEnd },
  peers: peerInfo,
};
writeFileSync(
  outPath,
  `${JSON.stringify({ machine, threads, quick, budgetMs, peakGflops: peak ?? null, rows, notes, acceptance: checks, memory, measureMemory }, null, 1)}\n`,
);
console.log(`\nwrote ${outPath}`);

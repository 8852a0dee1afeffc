// Builds the native backend (native/) during `npm install` / `npm rebuild`: the addon's built-in
// blocked GEMM always, and OpenBLAS's beside it when CBLAS is present (each shape class of product
// then runs on whichever is faster here, timed at first use: src/node/gemm-choice.ts). Only a C++
// compiler is needed, and the install already has one for better-sqlite3. Prints one line saying
// what it built.
// Never fails the install: if the OpenBLAS build fails it tries the built-in one, and if that fails
// too flatlab runs on the portable backend and the line says so.
// FLATLAB_SKIP_NATIVE=1 skips the build (e.g. to test the portable path); FLATLAB_NO_OPENBLAS=1
// builds the built-in GEMM only, even where OpenBLAS is installed (what a machine without it gets).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const HINT = 'for the native backend: a C++ compiler (g++ or clang++) and make, then npm rebuild';
const BLAS_HINT = 'for OpenBLAS as its GEMM: apt-get install libopenblas-dev, then npm rebuild';

function done(msg) {
  console.log(`flatlab: ${msg}`);
  process.exit(0);
}

// Multiarch (Debian) and plain include/library folders where libopenblas-dev puts its files.
function candidates(sub) {
  const dirs = [`/usr/${sub}`, `/usr/local/${sub}`, `/usr/${sub}/openblas`, `/opt/OpenBLAS/${sub}`];
  for (const base of [`/usr/${sub}`]) {
    try {
      for (const e of readdirSync(base)) if (e.endsWith('-linux-gnu')) dirs.push(join(base, e));
    } catch {
      // no such folder
    }
  }
  return dirs;
}

function hasOpenBlas() {
  const header = candidates('include').some((d) => existsSync(join(d, 'cblas.h')));
  const lib = candidates('lib').some(
    (d) => existsSync(join(d, 'libopenblas.so')) || existsSync(join(d, 'libopenblas.dylib')),
  );
  return header && lib;
}

/** node-gyp: the one npm passes to lifecycle scripts, else the copy bundled with npm, else PATH. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const prefix = dirname(dirname(process.execPath));
  for (const p of [
    join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    join(prefix, 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ]) {
    if (existsSync(p)) return [process.execPath, p];
  }
  return ['node-gyp'];
}

if (process.env.FLATLAB_SKIP_NATIVE === '1')
  done(`native backend skipped (FLATLAB_SKIP_NATIVE=1); ${HINT.replace('for the native backend: ', 'to build it: ')}`);
if (!existsSync(join(nativeDir, 'binding.gyp'))) process.exit(0);

// Node's own headers: point node-gyp at them when they are installed beside node (Debian's nodejs
// and the official tarballs), since downloading them may be impossible offline.
const args = ['rebuild'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h')))
  args.push(`--nodedir=${prefix}`);

/** One node-gyp rebuild; FLATLAB_NO_OPENBLAS=1 in its environment selects the built-in GEMM (binding.gyp). */
function build(builtin) {
  const [cmd, ...pre] = nodeGyp();
  const env = { ...process.env, FLATLAB_NO_OPENBLAS: builtin ? '1' : '0' };
  const r = spawnSync(cmd, [...pre, ...args], { cwd: nativeDir, encoding: 'utf8', env });
  const log = `${r.stdout ?? ''}\n${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  const ok = r.status === 0 && existsSync(join(nativeDir, 'build/Release/flatlab_native.node'));
  const lastError =
    log
      .split('\n')
      .find((l) => /error/i.test(l))
      ?.trim()
      .slice(0, 160) ?? `exit ${r.status}`;
  return { ok, log, lastError };
}

function keepLog(log) {
  try {
    mkdirSync(join(nativeDir, 'build'), { recursive: true });
    writeFileSync(join(nativeDir, 'build', 'install.log'), log);
  } catch {
    // the log is a convenience only
  }
}

const forcedBuiltin = process.env.FLATLAB_NO_OPENBLAS === '1';
const blas = !forcedBuiltin && hasOpenBlas();
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
let log = '';
let blasError = null;
if (blas) {
  const r = build(false);
  log += r.log;
  if (r.ok) {
    keepLog(log);
    done(
      `native backend built with its own GEMM and OpenBLAS in ${secs()} s (each product shape runs on the faster one)`,
    );
  }
  blasError = r.lastError;
}
const r = build(true);
log += r.log;
keepLog(log);
const why = forcedBuiltin
  ? 'FLATLAB_NO_OPENBLAS=1'
  : blasError
    ? `the OpenBLAS build failed: ${blasError}`
    : 'OpenBLAS (cblas.h, libopenblas) not found';
if (r.ok)
  done(`native backend built with its own GEMM in ${secs()} s (${why}${forcedBuiltin ? '' : `; ${BLAS_HINT}`})`);
done(
  `native backend build failed (${r.lastError}; full log in native/build/install.log), using the portable backend; ${HINT}`,
);

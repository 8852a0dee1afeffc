// Builds the native OpenBLAS backend (native/) during `npm install` / `npm rebuild` when CBLAS is
// present. Never fails the install: without OpenBLAS, or if the compile fails, flatlab runs on the
// portable backend and this prints one line saying how to get the fast one.
// FLATLAB_SKIP_NATIVE=1 skips the build (e.g. to test the portable path).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const HINT = 'for the fast backend: apt-get install libopenblas-dev, then npm rebuild';

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
  done(`native backend skipped (FLATLAB_SKIP_NATIVE=1); ${HINT.replace('for the fast backend: ', 'to build it: ')}`);
if (!existsSync(join(nativeDir, 'binding.gyp'))) process.exit(0);
if (!hasOpenBlas()) done(`OpenBLAS (cblas.h, libopenblas) not found, using the portable backend; ${HINT}`);

// Node's own headers: point node-gyp at them when they are installed beside node (Debian's nodejs
// and the official tarballs), since downloading them may be impossible offline.
const args = ['rebuild'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h')))
  args.push(`--nodedir=${prefix}`);

const [cmd, ...pre] = nodeGyp();
const t0 = Date.now();
const r = spawnSync(cmd, [...pre, ...args], { cwd: nativeDir, encoding: 'utf8', env: process.env });
const log = `${r.stdout ?? ''}\n${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
try {
  mkdirSync(join(nativeDir, 'build'), { recursive: true });
  writeFileSync(join(nativeDir, 'build', 'install.log'), log);
} catch {
  // the log is a convenience only
}
const built = existsSync(join(nativeDir, 'build/Release/flatlab_native.node'));
if (r.status === 0 && built) {
  done(`native OpenBLAS backend built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const lastError =
  log
    .split('\n')
    .find((l) => /error/i.test(l))
    ?.trim()
    .slice(0, 160) ?? `exit ${r.status}`;
done(
  `native backend build failed (${lastError}; full log in native/build/install.log), using the portable backend; ${HINT}`,
);

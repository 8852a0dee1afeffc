/**
 * Loading HiGHS (WebAssembly) once per process or page. The `highs` package's ESM loader finds its
 * `highs.wasm` beside itself in Node; a browser bundle passes `locateFile` (or a preloaded module) the
 * first time. Loading is asynchronous; solves are synchronous afterwards.
 */
import highsModule, { type Highs, type InitOptions } from 'highs';

type Loader = (options?: InitOptions) => Promise<Highs>;

/**
 * The package ships CommonJS typings (`export default` there means `.default` under NodeNext) but its
 * ESM build's default export is the loader itself: accept either shape.
 */
function loader(): Loader {
  const m: unknown = highsModule;
  if (isLoader(m)) return m;
  if (typeof m === 'object' && m !== null && 'default' in m && isLoader(m.default)) return m.default;
  throw new Error('highs: the module exports no loader function');
}

const isLoader = (v: unknown): v is Loader => typeof v === 'function';

let cached: Promise<Highs> | null = null;

export function loadHighsSolver(options?: InitOptions): Promise<Highs> {
  if (cached) return cached;
  const p = loader()(options);
  cached = p;
  // A failed load must not poison later attempts (e.g. after fixing locateFile).
  p.catch(() => {
    if (cached === p) cached = null;
  });
  return p;
}

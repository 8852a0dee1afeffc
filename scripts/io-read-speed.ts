/**
 * How long reading a 10⁴ × 200 float64 data set takes as flatlab JSON and as .npz, through the same
 * function the CLI uses (readDatasetFile). Run once by hand (`npx tsx scripts/io-read-speed.ts`); the
 * number is quoted in docs/python.md — it is not a unit test, since timings depend on the machine's load.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDatasetJson, readDatasetFile } from '../src/cli/dataset-file.js';
import { datasetToJson, datasetToNpz, Rng } from '../src/index.js';

const n = 10_000;
const d = 200;
const rng = new Rng(0);
const X = Float64Array.from({ length: n * d }, () => rng.normal());
const y = Float64Array.from({ length: n }, () => rng.normal());
const dir = mkdtempSync(join(tmpdir(), 'flatlab-io-speed-'));
const json = join(dir, 'data.json');
const npz = join(dir, 'data.npz');
writeFileSync(json, formatDatasetJson(datasetToJson({ n, d, X, y })));
writeFileSync(npz, datasetToNpz({ n, d, X, y }));

function best(path: string, reps: number): number {
  let t = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const data = readDatasetFile(path);
    t = Math.min(t, performance.now() - t0);
    if (data.X[n * d - 1] !== X[n * d - 1]) throw new Error('read back a different value');
  }
  return t;
}
const tj = best(json, 3);
const tn = best(npz, 5);
console.log(
  `JSON ${tj.toFixed(0)} ms, .npz ${tn.toFixed(1)} ms: ${(tj / tn).toFixed(0)}× faster (best of 3 / 5 reads)`,
);

/**
 * The lint rules that keep functions short and simple (docs/architecture.md#habits): biome.json sets
 * cognitive complexity ≤ 15 and ≤ 150 lines per function, exempts the numeric kernels by path, and
 * lists the files still over a limit. That list may only shrink: it must be part of the list frozen
 * here, and a file leaves it as soon as it meets both limits (the test fails on a stale entry).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Files over a limit when the rules were introduced; entries only leave. */
const FROZEN_ALLOW_LIST = [
  'src/cli/commands/construct.ts',
  'src/cli/commands/data.ts',
  'src/cli/commands/estimate-trace.ts',
  'src/cli/commands/measure.ts',
  'src/cli/commands/reproduce.ts',
  'src/cli/commands/rescale.ts',
  'src/cli/commands/serve.ts',
  'src/cli/commands/train.ts',
  'src/cli/finite.ts',
  'src/data/dataset-json.ts',
  'src/data/index-matrix.ts',
  'src/data/inputs.ts',
  'src/data/targets.ts',
  'src/figures/vega-lite.ts',
  'src/interpolators/flattest-convex.ts',
  'src/interpolators/flattest/column-generation.ts',
  'src/interpolators/flattest/multistart.ts',
  'src/interpolators/flattest/spectral-starts.ts',
  'src/interpolators/memorizer.ts',
  'src/interpolators/teacher.ts',
  'src/io/model-tensors.ts',
  'src/io/npy.ts',
  'src/io/safetensors.ts',
  'src/studies/measures/league-population.ts',
  'src/measures/sharpness.ts',
  'src/model/model-json.ts',
  'src/node/safe-write.ts',
  'src/number-format.ts',
  'src/params/table.ts',
  'src/risk/exact.ts',
  'src/statistics/rank-correlation.ts',
  'src/studies/definition.ts',
  'src/studies/flattest/verdict.ts',
  'src/studies/nongeneralizing/verdict.ts',
  'src/studies/phase/analysis.ts',
  'src/studies/spec.ts',
  'src/studies/target.ts',
  'src/sweep/distributed.ts',
  'src/training/checkpoint-schema.ts',
  'src/training/gauss-newton.ts',
  'src/training/params.ts',
  'src/training/penalties.ts',
  'src/training/trainer.ts',
  'web/src/lab.ts',
  'web/src/main.tsx',
  'web/src/url.ts',
  'web/src/views/Controls.tsx',
];

/** Numeric kernels (GEMM, factorizations, the data pass, eigen-solvers, quadrature, the convex solver's inner loops). */
const KERNELS = [
  'src/linalg/**',
  'src/model/network.ts',
  'src/model/mlp.ts',
  'src/model/mlp-hvp.ts',
  'src/flatness/mlp-trace.ts',
  'src/symmetry/mlp-balance.ts',
  'src/measures/dense-eig.ts',
  'src/measures/tridiag.ts',
  'src/measures/lanczos.ts',
  'src/measures/curvature-pass.ts',
  'src/data/quadrature.ts',
  'src/interpolators/flattest/batch-ascent.ts',
  'src/interpolators/flattest/sphere-sup.ts',
  'src/interpolators/flattest/cell-optimum.ts',
  'src/interpolators/flattest/cell-pricing.ts',
  'src/interpolators/flattest/cell-enumeration.ts',
];

interface Override {
  includes: string[];
  linter?: { rules?: { complexity?: Record<string, unknown> } };
}

const biome = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
const rules = biome.linter.rules.complexity;
const overrides: Override[] = biome.overrides ?? [];
const switchesOff = (o: Override): boolean =>
  o.linter?.rules?.complexity?.noExcessiveCognitiveComplexity === 'off' &&
  o.linter?.rules?.complexity?.noExcessiveLinesPerFunction === 'off';

describe('function length and cognitive complexity', () => {
  it('biome.json sets the limits: complexity 15, 150 lines per function, both errors', () => {
    expect(rules.noExcessiveCognitiveComplexity).toEqual({ level: 'error', options: { maxAllowedComplexity: 15 } });
    expect(rules.noExcessiveLinesPerFunction).toEqual({ level: 'error', options: { maxLines: 150 } });
  });

  it('switches them off only for tests, the numeric kernels and the allow-list', () => {
    const off = overrides.filter(switchesOff);
    expect(off.map((o) => o.includes)).toEqual([['test/**', 'web/e2e/**'], KERNELS, off[2]?.includes]);
    for (const o of overrides.filter((x) => !switchesOff(x))) {
      expect(JSON.stringify(o.linter?.rules?.complexity ?? {})).not.toMatch(/noExcessive/);
    }
  });

  it('the allow-list only shrinks: every entry is in the frozen list', () => {
    const allow = overrides.filter(switchesOff)[2]?.includes ?? [];
    expect(allow.filter((f) => !FROZEN_ALLOW_LIST.includes(f))).toEqual([]);
  });

  it('every allow-listed file is still over a limit (a fixed file leaves the list)', () => {
    const allow = overrides.filter(switchesOff)[2]?.includes ?? [];
    const dir = mkdtempSync(join(tmpdir(), 'flatlab-habits-'));
    try {
      const config = {
        formatter: { enabled: false },
        assist: { enabled: false },
        linter: {
          enabled: true,
          rules: {
            recommended: false,
            complexity: {
              noExcessiveCognitiveComplexity: rules.noExcessiveCognitiveComplexity,
              noExcessiveLinesPerFunction: rules.noExcessiveLinesPerFunction,
            },
          },
        },
      };
      writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
      const bin = join(root, 'node_modules', '.bin', 'biome');
      const r = spawnSync(bin, ['lint', '--config-path', dir, '--max-diagnostics=none', ...allow], {
        cwd: root,
        encoding: 'utf8',
      });
      const text = `${r.stdout}${r.stderr}`;
      const over = new Set([...text.matchAll(/^(\S+?):\d+:\d+ lint\/complexity\/noExcessive/gm)].map((m) => m[1]));
      expect(allow.filter((f) => !over.has(f))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

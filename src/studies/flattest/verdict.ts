/**
 * H3's decision rule (docs/math.md#hypotheses, §9): flattest interpolators generalize.
 */
import { linearFit, mean } from '../../statistics/fits.js';
import { ci, combine, f2, sp, THRESHOLDS, type Verdict, type VerdictStatus } from '../verdict.js';

export interface H3Point {
  n: number;
  noise: number;
  exact: boolean;
  target: string;
  risk: number;
  /** Standard error of a Monte Carlo risk (0 or absent: the closed form, docs/math.md#population-risk). */
  riskStderr?: number;
  varF: number;
}

export function verdictH3(points: readonly H3Point[], label: string): Verdict {
  const details: string[] = [];
  const parts: VerdictStatus[] = [];
  const clean = points.filter((p) => p.noise === 0 && p.exact && Number.isFinite(p.risk));
  const ns = [...new Set(clean.map((p) => p.n))].sort((a, b) => a - b);
  let head = 'no noiseless exact-link data';
  if (ns.length >= 2) {
    // Fit log(risk + tiny) so an exactly recovered target (risk 0) still counts as small.
    const floor = 1e-12;
    const fit = linearFit(
      clean.map((p) => Math.log(p.n)),
      clean.map((p) => Math.log(p.risk + floor)),
    );
    const nMax = ns[ns.length - 1];
    const atMax = clean.filter((p) => p.n === nMax);
    const frac = mean(atMax.map((p) => p.risk / p.varF));
    // A Monte Carlo risk decides only when it is more than 2 standard errors from the threshold.
    const se = Math.sqrt(mean(atMax.map((p) => ((p.riskStderr ?? 0) / p.varF) ** 2)) / atMax.length);
    const small: VerdictStatus =
      Math.abs(frac - THRESHOLDS.h3MaxRiskFraction) <= 2 * se
        ? 'inconclusive'
        : frac <= THRESHOLDS.h3MaxRiskFraction
          ? 'holds'
          : 'does not hold';
    const decreasing: VerdictStatus =
      fit.ci[1] < 0 ? 'holds' : fit.ci[0] > 0 ? 'does not hold' : frac < 1e-6 ? 'holds' : 'inconclusive';
    parts.push(small, decreasing);
    head = `risk ∝ n^${f2(fit.slope)} (${ci(fit.ci)}), risk/Var(f*) = ${f2(frac)} at n = ${nMax}`;
    details.push(`noiseless, exact link: risk decreases in n as n^${f2(fit.slope)}, ${ci(fit.ci)} — ${decreasing}`);
    details.push(
      `noiseless, exact link: risk/Var(f*) at n = ${nMax} is ${f2(frac)}${se > 0 ? ` ± ${f2(se)} (Monte Carlo s.e.)` : ''} (needs ≤ ${THRESHOLDS.h3MaxRiskFraction}) — ${small}`,
    );
  } else {
    parts.push('inconclusive');
    details.push('fewer than 2 sample sizes with noise 0 and an exact link — inconclusive');
  }
  // Risk grows with the label noise (exact link, largest n where several noise levels finished).
  const exact = points.filter((p) => p.exact && Number.isFinite(p.risk));
  const noises = [...new Set(exact.map((p) => p.noise))].sort((a, b) => a - b);
  if (noises.length >= 2) {
    const nMax = Math.max(...exact.map((p) => p.n));
    const byNoise = noises.map((s) =>
      mean(exact.filter((p) => p.noise === s && p.n === nMax).map((p) => p.risk / p.varF)),
    );
    const ok = byNoise.every((v, i) => i === 0 || v >= byNoise[i - 1]);
    parts.push(ok ? 'holds' : 'does not hold');
    details.push(
      `risk/Var(f*) at n = ${nMax} for σ_ε = ${noises.join(', ')}: ${byNoise.map(f2).join(', ')} — ${ok ? 'grows with the noise' : 'does not grow with the noise'}`,
    );
  }
  // Risk grows with approximation error: non-exact links vs the exact ones, noiseless, largest n.
  const approx = points.filter((p) => !p.exact && p.noise === 0 && Number.isFinite(p.risk));
  if (approx.length && clean.length) {
    const nMax = Math.max(...approx.map((p) => p.n));
    const e = mean(clean.filter((p) => p.n === nMax).map((p) => p.risk / p.varF));
    const a = mean(approx.filter((p) => p.n === nMax).map((p) => p.risk / p.varF));
    const ok = a > e;
    parts.push(Number.isFinite(e) ? (ok ? 'holds' : 'does not hold') : 'inconclusive');
    details.push(
      `risk/Var(f*) at n = ${nMax}: exact links ${f2(e)}, links with approximation error ${f2(a)} — ${ok ? 'approximation error raises the risk' : 'approximation error does not raise the risk'}`,
    );
  }
  const mc = points.filter((p) => (p.riskStderr ?? 0) > 0);
  if (mc.length) {
    const worst = Math.max(...mc.map((p) => (p.riskStderr ?? 0) / p.varF));
    details.push(
      `population risk by Monte Carlo (no closed form: non-Gaussian inputs, a multi-index link or k > 2) for ${mc.length} of ${points.length} trials; largest standard error ${f2(worst)} Var(f*)`,
    );
  }
  const status = combine(parts);
  return { status, text: `H3 ${status}${sp(label)}: ${head}`, details };
}

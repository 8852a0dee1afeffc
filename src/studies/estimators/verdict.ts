/**
 * The estimator comparison's decision: Hutch++ beats Hutchinson at the largest budget.
 */
import { mean, powerLawFit } from '../../statistics/fits.js';
import { ci, f2, sp, type Verdict, type VerdictStatus } from '../verdict.js';

export interface EstPoint {
  method: string;
  budget: number;
  rmsRelError: number;
}

export function verdictEstimators(points: readonly EstPoint[], label: string): Verdict {
  const fits: Record<string, ReturnType<typeof powerLawFit>> = {};
  for (const m of ['hutchinson', 'hutchpp']) {
    const p = points.filter((q) => q.method === m);
    fits[m] = powerLawFit(
      p.map((q) => q.budget),
      p.map((q) => q.rmsRelError),
    );
  }
  const bMax = Math.max(...points.map((p) => p.budget));
  const at = (m: string) => mean(points.filter((p) => p.method === m && p.budget === bMax).map((p) => p.rmsRelError));
  const h = at('hutchinson');
  const hp = at('hutchpp');
  let status: VerdictStatus = 'inconclusive';
  if (Number.isFinite(h) && Number.isFinite(hp)) status = hp < h ? 'holds' : 'does not hold';
  return {
    status,
    text: `Hutch++ ${status === 'holds' ? 'beats' : status === 'does not hold' ? 'does not beat' : 'vs'} Hutchinson${sp(label)}: relative RMS error at budget ${bMax} ${f2(hp)} vs ${f2(h)}; error ∝ budget^${f2(fits.hutchpp.slope)} vs budget^${f2(fits.hutchinson.slope)}`,
    details: [
      `Hutchinson error exponent ${f2(fits.hutchinson.slope)} (${ci(fits.hutchinson.ci)}), expected −0.5; Hutch++ ${f2(fits.hutchpp.slope)} (${ci(fits.hutchpp.ci)}), expected down to −1 on a Hessian with a dominant top part`,
    ],
  };
}

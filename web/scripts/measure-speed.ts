/**
 * Training speed of the playground in headless Chromium (reported in docs/playground.md; not a test).
 * Usage: npx vite build web && npx tsx web/scripts/measure-speed.ts [seconds]
 * For each algorithm: load #d=20&n=500&m=100&al=…, play for a few seconds, read the steps counter.
 */
import { openSession, waitIdle } from '../e2e/harness.js';

const seconds = Number(process.argv[2] ?? 5);
const algos = (
  process.env.ALGOS ?? 'gd,sgd,adam,sam,1sam,asam,label-noise,trace-penalty,invariant-penalty,flattest'
).split(',');

const s = await openSession();
try {
  for (const al of algos) {
    // Large horizon and tol 0 so that no algorithm stops (or polishes) during the measurement.
    await s.page.goto(`${s.server.url}#d=20&n=500&m=100&al=${al}&T=1000000&tol=0&lr=0.02`);
    await s.page.reload();
    await waitIdle(s.page);
    const t0 = Date.now();
    await s.page.getByTestId('btn-play').click();
    await s.page.waitForTimeout(seconds * 1000);
    await s.page.getByTestId('btn-play').click();
    await waitIdle(s.page);
    const wall = (Date.now() - t0) / 1000;
    const steps = Number(await s.page.getByTestId('readout-step').getAttribute('data-value'));
    const rate = Number(await s.page.getByTestId('readout-steps-per-sec').getAttribute('data-value'));
    console.log(
      `${al.padEnd(18)} ${steps} steps in ${wall.toFixed(1)} s wall = ${(steps / wall).toFixed(0)} steps/s (page readout ${rate.toFixed(0)} steps/s)`,
    );
  }
} finally {
  await s.close();
}

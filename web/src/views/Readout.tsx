import { fmt } from '../number-display.js';
import { QUANTITIES, tip } from '../quantities.js';

/** One displayed number: formatted text for people, the exact double in data-value for tests. */
export function Readout(props: { q: keyof typeof QUANTITIES; value: number | null | undefined; testid: string }) {
  const q = QUANTITIES[props.q];
  const v = props.value;
  return (
    <div class="readout" title={tip(q)}>
      <span class="label">{q.label}</span>
      <span class="value" data-testid={props.testid} data-value={v === null || v === undefined ? '' : String(v)}>
        {fmt(v)}
      </span>
    </div>
  );
}

/**
 * Controls generated from the parameter table: one widget per row, its hover text from the row's
 * help and formula, values validated with the same parser the URL and the CLI use.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { parseParam } from '../../../src/params/table.js';
import type { PlaygroundParam } from '../params.js';
import { tip } from '../quantities.js';
import type { State } from '../tables.js';

/** The input for one row: select, checkbox, text, log slider with its exact value, or number. */
function widgetFor(
  p: PlaygroundParam,
  value: unknown,
  named: { id: string; 'data-testid': string },
  commit: (raw: unknown) => void,
  commitText: (e: Event) => void,
): JSX.Element {
  if (p.type === 'enum') {
    return (
      <select {...named} value={String(value)} onChange={commitText}>
        {(p.choices ?? []).map((c) => (
          <option value={c}>{c}</option>
        ))}
      </select>
    );
  }
  if (p.type === 'bool') {
    return (
      <input
        {...named}
        type="checkbox"
        checked={Boolean(value)}
        onChange={(e) => commit((e.target as HTMLInputElement).checked)}
      />
    );
  }
  if (p.type === 'string') {
    return <input {...named} type="text" value={String(value)} onChange={commitText} />;
  }
  if (p.type === 'number' && p.log && p.min !== undefined && p.max !== undefined && p.min > 0) {
    // Quantities spanning decades: a log slider plus the exact value, editable.
    return (
      <span class="logslider">
        <input
          type="range"
          min={Math.log10(p.min)}
          max={Math.log10(p.max)}
          step={0.05}
          value={Math.log10(value as number)}
          aria-label={`${p.label} (log scale)`}
          onChange={(e) => commit(Number((10 ** Number((e.target as HTMLInputElement).value)).toPrecision(2)))}
        />
        <input {...named} type="text" inputMode="decimal" value={String(value)} onChange={commitText} />
      </span>
    );
  }
  return (
    <input
      {...named}
      type="number"
      min={p.min}
      max={p.max}
      step={p.type === 'int' ? 1 : 'any'}
      value={String(value)}
      onChange={commitText}
    />
  );
}

function Field(props: { p: PlaygroundParam; value: unknown; onChange: (key: string, v: unknown) => void }) {
  const { p, value, onChange } = props;
  const [error, setError] = useState<string | null>(null);
  const range = p.min !== undefined || p.max !== undefined ? `\nrange: [${p.min ?? '−∞'}, ${p.max ?? '∞'}]` : '';
  const title = `${tip(p)}${range}\nURL key: ${p.short}`;
  const commit = (raw: unknown) => {
    try {
      const v = parseParam(p, raw, p.key);
      setError(null);
      if (v !== value) onChange(p.key, v);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const id = `ctl-${p.key}`;
  // Every widget carries the field's id (the label's target, and what the browser tests look up).
  const named = { id, 'data-testid': id };
  const commitText = (e: Event) => commit((e.target as HTMLInputElement | HTMLSelectElement).value);
  const widget = widgetFor(p, value, named, commit, commitText);
  return (
    <label htmlFor={id} class={error ? 'field bad' : 'field'} title={error ? `${error}\n\n${title}` : title}>
      <span class="name">{p.label}</span>
      {widget}
      {error ? (
        <span class="err" data-testid={`err-${p.key}`}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

export function ControlGroup(props: {
  title: string;
  params: readonly PlaygroundParam[];
  state: State;
  onChange: (key: string, v: unknown) => void;
}) {
  const visible = props.params.filter((p) => !p.hidden && (!p.showIf || p.showIf(props.state)));
  const main = visible.filter((p) => !p.advanced);
  const more = visible.filter((p) => p.advanced);
  const field = (p: PlaygroundParam) => (
    <Field key={p.key} p={p} value={props.state[p.key]} onChange={props.onChange} />
  );
  return (
    <section class="group">
      <h3>{props.title}</h3>
      {main.map(field)}
      {more.length > 0 ? (
        <details>
          <summary>more</summary>
          {more.map(field)}
        </details>
      ) : null}
    </section>
  );
}

/**
 * Vega-lite specs for the report's figures. Every chart states its axis titles and scale types; log
 * axes are used for quantities spanning decades, and error bars (min–max over seeds, or mean ± 1 s.e.)
 * are drawn where repeated trials exist. Rendering to SVG/PNG is in render.ts.
 */

export type VegaLiteSpec = Record<string, unknown>;

export interface Figure {
  /** File stem (e.g. "h2-ratio-vs-n"). */
  id: string;
  title: string;
  caption: string;
  spec: VegaLiteSpec;
}

export interface Axis {
  field: string;
  title: string;
  log?: boolean;
  type?: 'quantitative' | 'nominal' | 'ordinal';
  zero?: boolean;
}

export interface ChartOptions {
  title: string;
  data: readonly Record<string, unknown>[];
  x: Axis;
  y: Axis;
  color?: { field: string; title: string };
  dash?: { field: string; title: string };
  shape?: { field: string; title: string };
  /** Error bar bounds on y (fields of the same rows). */
  errorBars?: { lo: string; hi: string };
  /** One panel per value of this field. */
  column?: { field: string; title: string };
  /** With `column`: a grid of panels, one row per value of this field. */
  row?: { field: string; title: string };
  mark?: 'line' | 'point' | 'bar';
  width?: number;
  height?: number;
  /** Extra layers (e.g. a reference line), in the same data coordinates. */
  rules?: { y: number; label: string }[];
  tooltip?: string[];
  /** Draw one line per value of this field without a legend entry (e.g. seeds). */
  detail?: string;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Superscript digits for "10⁻³": vega expressions have no lookup table, so one replace per character. */
const SUPERSCRIPT =
  "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(format(round(log(datum.value) / LN10), 'd'), /[-−]/g, '⁻'), /0/g, '⁰'), /1/g, '¹'), /2/g, '²'), /3/g, '³'), /4/g, '⁴'), /5/g, '⁵'), /6/g, '⁶'), /7/g, '⁷'), /8/g, '⁸'), /9/g, '⁹')";

/**
 * Axis labels for mathematical quantities: a log axis labels its powers of ten as 10ⁿ (1 and 10 stay
 * plain) and leaves the ticks between them unlabelled; a linear axis uses up to 4 significant digits and
 * exponent notation for large or tiny values — never SI prefixes (1m, 10G) or 100,000,000,000. Both
 * axes span the data, not a rounded-up domain ("nice"), so n ≤ 20 is not drawn on an axis to 90.
 */
function axisFormat(log: boolean): Record<string, unknown> {
  if (!log) return { format: '.4~g' };
  const isPower = 'abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-9';
  const plain = "datum.value == 1 ? '1' : datum.value == 10 ? '10'";
  return { labelExpr: `${isPower} ? (${plain} : '10' + ${SUPERSCRIPT}) : ''` };
}

function enc(a: Axis): Record<string, unknown> {
  const scale: Record<string, unknown> = {};
  if (a.log) scale.type = 'log';
  if (a.zero === false && !a.log) scale.zero = false;
  const quantitative = (a.type ?? 'quantitative') === 'quantitative';
  if (quantitative) scale.nice = false;
  return {
    field: a.field,
    type: a.type ?? 'quantitative',
    title: a.title,
    ...(Object.keys(scale).length ? { scale } : {}),
    ...(quantitative ? { axis: axisFormat(a.log === true) } : {}),
  };
}

/** Each mark's style. */
const MARKS = {
  line: { type: 'line', point: true, strokeWidth: 2 },
  point: { type: 'point', filled: true, size: 60, opacity: 0.8 },
  bar: { type: 'bar' },
} as const;

/** The main layer's encoding: x, y, the colour, and the dash, shape, tooltip and detail channels where given. */
function mainEncoding(
  o: ChartOptions,
  mark: keyof typeof MARKS,
  common: Record<string, unknown>,
): Record<string, unknown> {
  return {
    x: enc(o.x),
    y: enc(o.y),
    ...common,
    ...(o.dash && mark === 'line' ? { strokeDash: { field: o.dash.field, type: 'nominal', title: o.dash.title } } : {}),
    ...(o.shape && mark !== 'bar' ? { shape: { field: o.shape.field, type: 'nominal', title: o.shape.title } } : {}),
    ...(o.tooltip ? { tooltip: o.tooltip.map((f) => ({ field: f })) } : {}),
    ...(o.detail ? { detail: { field: o.detail, type: 'nominal' } } : {}),
  };
}

/** A horizontal reference line at y with its label. */
function ruleLayer(y: number, label: string): Record<string, unknown> {
  return {
    data: { values: [{ y, label }] },
    layer: [
      {
        mark: { type: 'rule', strokeDash: [4, 4], color: '#666' },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#444', fontSize: 10 },
        encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
}

/** A line / point / bar chart with optional colour, dash, shape, error bars and facet column. */
export function chart(o: ChartOptions): VegaLiteSpec {
  const mark = o.mark ?? 'line';
  const common: Record<string, unknown> = {};
  if (o.color) common.color = { field: o.color.field, type: 'nominal', title: o.color.title };
  const main: Record<string, unknown> = { mark: { ...MARKS[mark] }, encoding: mainEncoding(o, mark, common) };
  const layers: Record<string, unknown>[] = [main];
  if (o.errorBars) {
    layers.push({
      mark: { type: 'errorbar', ticks: true },
      encoding: { x: enc(o.x), y: { ...enc(o.y), field: o.errorBars.lo }, y2: { field: o.errorBars.hi }, ...common },
    });
  }
  for (const r of o.rules ?? []) layers.push(ruleLayer(r.y, r.label));
  const body = { width: o.width ?? 320, height: o.height ?? 220, layer: layers };
  const base = {
    $schema: SCHEMA,
    title: o.title,
    data: { values: o.data },
    config: {
      font: 'DejaVu Sans',
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 0, titleLimit: 0 },
      title: { fontSize: 13 },
    },
  };
  if (o.column) {
    return {
      ...base,
      facet: {
        column: { field: o.column.field, type: 'nominal', title: o.column.title },
        ...(o.row ? { row: { field: o.row.field, type: 'nominal', title: o.row.title } } : {}),
      },
      spec: body,
      resolve: { scale: { y: 'independent' } },
    };
  }
  return { ...base, ...body };
}

/** A chart of `summarize` rows: their mean on a log y axis, with min–max error bars. */
export function meanChart(o: Omit<ChartOptions, 'y' | 'errorBars'> & { yTitle: string }): VegaLiteSpec {
  const { yTitle, ...rest } = o;
  return chart({ ...rest, y: { field: 'mean', title: yTitle, log: true }, errorBars: { lo: 'min', hi: 'max' } });
}

/** Group rows and summarize a value: mean, min, max, mean ± s.e., count. */
export function summarize<T>(
  rows: readonly T[],
  keys: (r: T) => Record<string, string | number>,
  value: (r: T) => number,
): Record<string, string | number>[] {
  const groups = new Map<string, { k: Record<string, string | number>; v: number[] }>();
  for (const r of rows) {
    const v = value(r);
    if (!Number.isFinite(v)) continue;
    const k = keys(r);
    const id = JSON.stringify(k);
    const g = groups.get(id) ?? { k, v: [] };
    g.v.push(v);
    groups.set(id, g);
  }
  return [...groups.values()].map(({ k, v }) => {
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
    return { ...k, mean, min: Math.min(...v), max: Math.max(...v), se: sd / Math.sqrt(v.length), count: v.length };
  });
}

/**
 * Figure rendering (Node): vega-lite → vega → SVG with vega's headless View (renderer "none"), then
 * SVG → PNG with resvg. Fonts are set explicitly (DejaVu Sans, loaded from the system) because resvg
 * otherwise falls back to a serif face or drops text.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from '../figures/vega-lite.js';

type TopLevelSpec = Parameters<typeof compile>[0];

/** The figures build vega-lite specs as plain objects; vega-lite's compile checks them in depth. */
function isVegaLite(s: VegaLiteSpec): s is VegaLiteSpec & TopLevelSpec {
  return ['mark', 'layer', 'facet', 'hconcat', 'vconcat', 'concat', 'repeat'].some((k) => k in s);
}

export async function toSvg(spec: VegaLiteSpec): Promise<string> {
  if (!isVegaLite(spec)) throw new Error('toSvg: not a vega-lite spec (no mark, layer, facet or concat)');
  // vega-lite's default logger writes warnings to the console; keep the CLI's stderr for progress.
  const quiet = { level: () => quiet, error: () => quiet, warn: () => quiet, info: () => quiet, debug: () => quiet };
  const vg = compile(spec, { logger: quiet as never }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string, zoom = 2): Buffer {
  const r = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: zoom },
    background: 'white',
  });
  return r.render().asPng();
}

// A Vega-Lite v5 spec -> SVG text, in Node, with `vega-lite` (compile to Vega) and `vega` (a
// headless View, renderer "none", toSVG): no browser, no canvas. Deterministic: text widths come
// from Vega's estimate (never from node-canvas, which a machine may or may not have), and the
// SVG's own ids (clip paths, gradients) restart at each chart and are prefixed with the chart's
// name, so several SVGs can sit in one HTML page without two sharing an id.
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Two exports of vega-scenegraph that vega re-exports and its typings leave out. */
const scenegraph = vega as unknown as {
  textMetrics: { width: unknown; estimateWidth: unknown };
  resetSVGDefIds(): void;
};

let metricsFixed = false;

/** Text widths from Vega's character-count estimate on every machine. */
function fixTextMetrics(): void {
  if (metricsFixed) return;
  scenegraph.textMetrics.width = scenegraph.textMetrics.estimateWidth;
  metricsFixed = true;
}

/** Every id="x" and url(#x) / href="#x" reference of an SVG, prefixed. */
function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}

export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  fixTextMetrics();
  const compiled = compile(spec).spec;
  scenegraph.resetSVGDefIds();
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return prefixIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/**
 * Small grayscale images (Fashion-MNIST's 14×14 pictures) side by side. A heat map draws row 0 of
 * its matrix at the bottom; an image's row 0 is its top row, so every panel's y-axis runs
 * downwards. Building the panels in one place keeps that true for every panel (a hand-written
 * layout once reversed only the first three of four, and the fourth picture came out upside down).
 */
import type { Figure, HeatmapTrace, Layout } from "./figure";

/** One picture: rows of pixel intensities (row 0 is the top), and an optional caption. */
export interface ImagePanel {
  pixels: number[][];
  caption?: string;
}

/** The rows of a square image stored row-major in `flat`, starting at image `index`. */
export function imageRows(flat: ArrayLike<number>, index: number, side: number): number[][] {
  const start = index * side * side;
  if (start < 0 || start + side * side > flat.length) throw new Error(`imageRows: image ${index} is outside the ${flat.length / (side * side)} stored images`);
  return Array.from({ length: side }, (_, r) => Array.from({ length: side }, (_, c) => flat[start + r * side + c]));
}

/**
 * Pictures in one row, dark on light ("Greys", high values dark), each upright, with square pixels
 * and no tick labels.
 */
export function imageRow(panels: readonly ImagePanel[], options: { title?: string; height?: number } = {}): Figure {
  if (!panels.length) throw new Error("imageRow: no images");
  const axis = (k: number) => (k === 0 ? "" : String(k + 1));
  const data: HeatmapTrace[] = panels.map((p, k) => ({
    type: "heatmap",
    z: p.pixels,
    colorscale: "Greys",
    reversescale: true,
    showscale: false,
    name: p.caption,
    xaxis: `x${axis(k)}`,
    yaxis: `y${axis(k)}`,
  }));
  // The Layout type names only the first three axes; panels may be more, so the layout is built
  // as a plain record (plotly reads any xaxisN / yaxisN).
  const layout: Record<string, unknown> = {
    title: options.title,
    grid: { rows: 1, columns: panels.length, pattern: "independent" },
    height: options.height ?? 300,
    annotations: [],
  };
  panels.forEach((p, k) => {
    const hidden = { showticklabels: false, ticks: "", showgrid: false, zeroline: false };
    layout[`xaxis${axis(k)}`] = { ...hidden, constrain: "domain" };
    // Downwards (row 0 on top) and square pixels.
    layout[`yaxis${axis(k)}`] = { ...hidden, autorange: "reversed", scaleanchor: `x${axis(k)}` };
    // The caption hangs just below its picture.
    if (p.caption)
      (layout.annotations as unknown[]).push({
        text: p.caption,
        xref: `x${axis(k)} domain`,
        yref: `y${axis(k)} domain`,
        x: 0.5,
        y: 0,
        yanchor: "top",
        yshift: -4,
        showarrow: false,
      });
  });
  return { data, layout: layout as Layout };
}

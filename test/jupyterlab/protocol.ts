/** What the JupyterLab test page (./page.ts) exposes to the test as `window.mtlLab`. */
import type { CellExpectation } from "./expectations";

/** One nbformat output, as stored in a notebook. */
export interface CellOutput {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  text?: string | string[];
  name?: string;
}

/** How to render: the notebook's trust, and whether plotly's JupyterLab renderer is installed. */
export interface RenderOptions {
  trusted: boolean;
  plotly: boolean;
}

/** A code cell's outputs as JupyterLab would save them. */
export interface SavedCell {
  cell: number;
  outputs: CellOutput[];
}

/** The page's API. */
export interface LabPage {
  /** Renders every cell of a notebook into #notebook; resolves when the markdown has rendered. */
  render(nb: { cells: unknown[] }, options: RenderOptions): Promise<void>;
  /**
   * What the page does not show yet that it must (empty when all is drawn): figures, diagrams,
   * tables and formulas checked against the expectations, and any error output.
   */
  problems(expected: CellExpectation[]): string[];
  /** Plotly outputs whose model holds a PNG (plotly's renderer stores one after drawing). */
  figuresWithPng(): number;
  /** The code cells' outputs as they would be saved now. */
  saved(): SavedCell[];
}

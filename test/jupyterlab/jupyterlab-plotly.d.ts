/** Types for the part of plotly's JupyterLab renderer the test page uses (the package ships none). */
declare module "jupyterlab-plotly/lib/plotly-renderer" {
  import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
  /** The mime extensions JupyterLab registers: plotly's JSON MIME renderer, at its rank. */
  const extensions: IRenderMime.IExtension[];
  export default extensions;
}

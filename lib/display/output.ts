/**
 * Writes rich output to the notebook. tslab's public display API sends one MIME type per message;
 * a figure needs several (plotly JSON, an HTML fallback, plain text), so this goes through the
 * kernel's own display writer, which tslab keeps in `tslab/dist/jupyter`.
 */
import { randomBytes } from "crypto";

/** A MIME bundle: MIME type → content. */
export type MimeBundle = Record<string, unknown>;

type Writer = (data: { data: MimeBundle; metadata: object; transient?: { display_id?: string } }, update: boolean) => void;

let testSink: Writer | null = null;

/** The kernel's display writer, or null outside a running tslab kernel. */
function writer(): Writer | null {
  if (testSink) return testSink;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData?: Writer };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** Shows a MIME bundle as one output; returns false outside a notebook. */
export function displayBundle(bundle: MimeBundle, metadata: object = {}): boolean {
  const write = writer();
  if (!write) return false;
  write({ data: bundle, metadata }, false);
  return true;
}

/** An output that can be redrawn in place. */
export interface DisplayHandle {
  update(bundle: MimeBundle): void;
}

/** Opens an output that later updates replace (null outside a notebook). */
export function openDisplay(): DisplayHandle | null {
  if (!writer()) return null;
  const id = randomBytes(8).toString("hex");
  let shown = false;
  return {
    update(bundle) {
      const write = writer();
      if (!write) return;
      write({ data: bundle, metadata: {}, transient: { display_id: id } }, shown);
      shown = true;
    },
  };
}

/** Routes display output to a function (for tests); pass null to restore the kernel's writer. */
export function captureDisplay(sink: ((bundle: MimeBundle, update: boolean, id?: string) => void) | null): void {
  testSink = sink ? (d, update) => sink(d.data, update, d.transient?.display_id) : null;
}

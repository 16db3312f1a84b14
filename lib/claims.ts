/**
 * Findings as data. Each finding a notebook's prose states is checked where its numbers are made
 * (`claims.check(id, statement, holds, evidence)`); the notebook's last cell calls
 * `claims.report()`, which shows every claim in a table, emits the record as one display output of
 * MIME type `application/vnd.mtl.claims+json` (what the robustness report collects across seeds),
 * and throws an error listing every claim that failed, not just the first.
 */
import { backendInfo } from "./backend";

/** The backend as a record names it: on WASM with its kernel set ("wasm (blas kernels)"), since numbers differ in the last digits between sets. */
function backendLabel(): string | null {
  const info = backendInfo();
  return info ? (info.kernels ? `${info.name} (${info.kernels} kernels)` : info.name) : null;
}
import { displayBundle } from "./display/output";
import { showTable } from "./display/table";
import { courseSeed } from "./seed";

/** The MIME type of a notebook's claims record. */
export const CLAIMS_MIME = "application/vnd.mtl.claims+json";

/** One finding: what the prose says, whether the numbers on screen bear it out, and those numbers. */
export interface Claim {
  id: string;
  statement: string;
  holds: boolean;
  evidence: Record<string, unknown>;
}

/** A notebook's claims record, as emitted under CLAIMS_MIME. */
export interface ClaimsRecord {
  notebook: string;
  seed: number;
  backend: string | null;
  claims: Claim[];
}

/** The claims of one notebook run. */
export class ClaimSet {
  private readonly items = new Map<string, Claim>();

  constructor(readonly notebook: string) {}

  /**
   * Records a finding. Re-checking an id (a re-run cell) replaces the earlier result. Returns
   * `holds`, so a cell can branch on it.
   */
  check(id: string, statement: string, holds: boolean, evidence: Record<string, unknown> = {}): boolean {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(id)) throw new Error(`claim id ${JSON.stringify(id)}: use lower-case letters, digits, dots and dashes`);
    if (typeof holds !== "boolean") throw new Error(`claim ${id}: holds must be true or false, got ${String(holds)}`);
    this.items.set(id, { id, statement, holds, evidence: plain(evidence) as Record<string, unknown> });
    return holds;
  }

  /** The claims so far, in the order first checked. */
  list(): Claim[] {
    return [...this.items.values()];
  }

  /** The record the robustness report reads. */
  record(): ClaimsRecord {
    return { notebook: this.notebook, seed: courseSeed(), backend: backendLabel(), claims: this.list() };
  }

  /**
   * Shows the claims as a table, emits the record (CLAIMS_MIME, with a plain-text twin) and throws
   * one error naming every claim that did not hold.
   */
  report(): ClaimsRecord {
    const record = this.record();
    if (!record.claims.length) throw new Error(`${this.notebook}: no claims were checked`);
    showTable(
      record.claims.map((c) => ({ claim: c.id, holds: c.holds ? "yes" : "NO", statement: c.statement })),
      { caption: `Claims of ${this.notebook} (course seed ${record.seed})` },
    );
    const summary = `claims record: ${record.claims.filter((c) => c.holds).length} of ${record.claims.length} hold`;
    // Outside a notebook (a script, the grader's sandbox) print what the notebook would show, as showTable does.
    if (!displayBundle({ [CLAIMS_MIME]: record, "text/plain": summary })) console.log(summary);
    const failed = record.claims.filter((c) => !c.holds);
    if (failed.length) {
      throw new Error(
        `${failed.length} of ${record.claims.length} claims do not hold at course seed ${record.seed}:\n` +
          failed.map((c) => `- ${c.id}: ${c.statement}\n  evidence: ${JSON.stringify(c.evidence)}`).join("\n"),
      );
    }
    return record;
  }
}

/** Starts the claims of a notebook (its file name without `.ipynb`). */
export function start(notebook: string): ClaimSet {
  return new ClaimSet(notebook);
}

/** Evidence as plain JSON: typed arrays become arrays, non-finite numbers become strings. */
function plain(value: unknown, depth = 0): unknown {
  if (depth > 8) return "…";
  if (typeof value === "number") return Number.isFinite(value) ? Number(value.toPrecision(6)) : String(value);
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>).map((v) => plain(v, depth + 1));
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (typeof value === "object") return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, plain(v, depth + 1)]));
  return String(value);
}

/**
 * Comparing a returned value with the expected one, within a tolerance. Used on the trusted side
 * by the grader and, for public checks, in the student's notebook.
 */

/** Tolerances: |a − b| ≤ atol + rtol·|b|. */
export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/** A plain JSON value as the grader exchanges them. */
export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** null when `got` matches `expected`, else where and how it differs. */
export function difference(got: unknown, expected: unknown, tol: Tolerance = {}, path = "value"): string | null {
  const atol = tol.atol ?? 1e-5;
  const rtol = tol.rtol ?? 1e-4;
  if (typeof expected === "number") {
    if (typeof got !== "number") return `${path}: expected a number, got ${describe(got)}`;
    if (Number.isNaN(expected)) return Number.isNaN(got) ? null : `${path}: expected NaN, got ${got}`;
    // Infinity − Infinity is NaN, which no tolerance accepts: infinities match only themselves.
    if (!Number.isFinite(expected)) return got === expected ? null : `${path}: expected ${expected}, got ${got}`;
    return Math.abs(got - expected) <= atol + rtol * Math.abs(expected) ? null : `${path}: expected ${round(expected)}, got ${round(got)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return `${path}: expected an array of length ${expected.length}, got ${describe(got)}`;
    if (got.length !== expected.length) return `${path}: expected length ${expected.length}, got length ${got.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = difference(got[i], expected[i], tol, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (got === null || typeof got !== "object" || Array.isArray(got)) return `${path}: expected an object, got ${describe(got)}`;
    for (const key of Object.keys(expected)) {
      const d = difference((got as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], tol, `${path}.${key}`);
      if (d) return d;
    }
    return null;
  }
  return got === expected ? null : `${path}: expected ${JSON.stringify(expected)}, got ${describe(got)}`;
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  const s = showValue(v);
  return s.length > 80 ? s.slice(0, 77) + "..." : s;
}

/**
 * A value as JSON-like text for people, with the numbers JSON cannot hold written as Infinity,
 * -Infinity and NaN (JSON.stringify would print null, hiding what a function returned).
 */
export function showValue(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `[${v.map(showValue).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${showValue(x)}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? String(v);
}

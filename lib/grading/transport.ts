/**
 * How values travel between the grader and a submission: tensors as {"$tensor": {values, shape}}
 * on the way in, plain bounded data (tensors as nested arrays) on the way out.
 */

/** A number JSON cannot hold (Infinity, -Infinity, NaN), as it is written in a checks file. */
export interface EncodedNumber {
  $number: "Infinity" | "-Infinity" | "NaN";
}

/**
 * A plain value made JSON-safe: non-finite numbers become {"$number": "Infinity"} and the like, so
 * that an expected Infinity in a checks file does not turn into null.
 */
export function encodeJsonValue(v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
  if (Array.isArray(v)) return v.map(encodeJsonValue);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeJsonValue(x)]));
  return v;
}

/** The inverse of encodeJsonValue. */
export function decodeJsonValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeJsonValue);
  if (v !== null && typeof v === "object") {
    const n = (v as Partial<EncodedNumber>).$number;
    if (typeof n === "string" && Object.keys(v).length === 1) return Number(n);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeJsonValue(x)]));
  }
  return v;
}

/** Turns encoded tensors in probe arguments into tensors of the running process's tfjs. */
export function decodeArgs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeArgs);
  if (v && typeof v === "object") {
    const n = (v as Partial<EncodedNumber>).$number;
    if (typeof n === "string" && Object.keys(v).length === 1) return Number(n);
    const t = (v as { $tensor?: { values: number[]; shape: number[] } }).$tensor;
    if (t) {
      const tf = require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs");
      return tf.tensor(t.values, t.shape);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeArgs(x)]));
  }
  return v;
}

/** A result as plain data (tensors and typed arrays become arrays), bounded in size and depth. */
export function toPlain(v: unknown, depth = 0): unknown {
  if (depth > 8) throw new Error("the result is nested too deeply");
  if (v === null || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "string") return v.slice(0, 10000);
  if (v && typeof v === "object" && typeof (v as { arraySync?: unknown }).arraySync === "function" && Array.isArray((v as { shape?: unknown }).shape)) {
    return toPlain((v as { arraySync(): unknown }).arraySync(), depth + 1);
  }
  if (ArrayBuffer.isView(v)) return toPlain(Array.from(v as unknown as ArrayLike<number>), depth + 1);
  if (Array.isArray(v)) {
    if (v.length > 100000) throw new Error("the result is too large");
    return v.map((x) => toPlain(x, depth + 1));
  }
  if (typeof v === "object" && v)
    return Object.fromEntries(
      Object.entries(v)
        .slice(0, 100)
        .map(([k, x]) => [k, toPlain(x, depth + 1)]),
    );
  return v === undefined ? undefined : String(v);
}

/** Copying runs of elements between typed arrays, fast for both short and long runs. */

type Typed = Float32Array | Int32Array | Uint8Array;

/** Copies `count` elements from src[from..] to dst[to..]. */
export function copyRows(src: Typed, from: number, dst: Typed, to: number, count: number): void {
  // Below ~32 elements a plain loop beats creating a subarray view for `set` (measured: a
  // view costs about as much as copying 30 floats).
  if (count < 32) {
    for (let i = 0; i < count; i++) dst[to + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, from + count), to);
  }
}

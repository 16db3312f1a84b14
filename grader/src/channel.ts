/**
 * The message channel between the grader and a grading child, in place of Node's built-in IPC:
 * frames of a 4-byte big-endian length and V8's serialization (the same encoding as Node's
 * "advanced" IPC). Student code can reach the channel's file descriptor and write anything into it;
 * Node's own IPC reader then throws inside the grader where nothing can catch it. Here every frame is
 * checked, and the first malformed byte stops the reader for good with a reason, which costs only
 * that submission.
 */
import * as v8 from "v8";

/** The largest frame either side accepts (results are bounded far below this; see transport.ts). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** One message as a frame. */
export function encodeFrame(message: Record<string, unknown>): Buffer {
  const body = v8.serialize(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/**
 * Reassembles frames from chunks of a byte stream. Calls `onMessage` for each well-formed message
 * (a plain object with a string `type`) and `onError` once, at the first malformed frame, after
 * which it ignores everything.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private broken = false;

  constructor(
    private readonly onMessage: (message: Record<string, unknown>) => void,
    private readonly onError: (why: string) => void,
  ) {}

  /** Feeds the next chunk read from the stream. */
  push(chunk: Buffer): void {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (!this.broken && this.bytes >= 4) {
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = [all];
      const length = all.readUInt32BE(0);
      if (length === 0 || length > MAX_FRAME_BYTES) return this.fail(`a frame of ${length} bytes`);
      if (all.length < 4 + length) return;
      let message: unknown;
      try {
        message = v8.deserialize(all.subarray(4, 4 + length));
      } catch (e) {
        return this.fail(`bytes that do not decode (${(e as Error).message})`);
      }
      const rest = all.subarray(4 + length);
      this.chunks = rest.length ? [rest] : [];
      this.bytes = rest.length;
      if (!message || typeof message !== "object" || Array.isArray(message) || typeof (message as { type?: unknown }).type !== "string")
        return this.fail("a message without a type");
      this.onMessage(message as Record<string, unknown>);
    }
  }

  private fail(what: string): void {
    this.broken = true;
    this.chunks = [];
    this.bytes = 0;
    this.onError(what);
  }
}

// The GTP server loop: bytes from the controller are split into lines (bounded, binary-safe), each line
// preprocessed and run in order through a GtpSession, responses written to the output stream. Streaming
// analysis stops as soon as the next line arrives. Nothing on stdin can end the loop except `quit` or EOF.
import type { Readable, Writable } from 'node:stream';
import { formatResponse, leadingId, parseCommandLine } from './protocol.js';
import type { GtpSession, StreamChannel } from './session.js';

/** Longest accepted command line; longer ones are answered with an error and skipped. */
export const MAX_LINE_BYTES = 64 * 1024;

/** An over-long line: only its first bytes are kept, enough to answer with its id. */
interface TooLong {
  tooLong: true;
  start: string;
}
type QueuedLine = string | TooLong;

// Bytes of an over-long line kept to read its id (an id is a number; 64 bytes leave room for leading blanks).
const KEEP_START = 64;

/** Incremental LF splitter over byte chunks with a line length cap; allocation only per complete line. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partLen = 0;
  private overflow = false;
  private start = '';

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Feeds a chunk; calls `emit` for each complete line (decoded as UTF-8, lossy) or an over-long marker. */
  push(chunk: Buffer, emit: (line: QueuedLine) => void): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.overflow) {
        if (this.partLen + (end - start) > this.maxBytes) {
          this.overflow = true;
          const head = Buffer.concat([...this.parts, chunk.subarray(start, end)]);
          this.start = head.subarray(0, KEEP_START).toString('latin1');
          this.parts = [];
          this.partLen = 0;
        } else if (end > start) {
          this.parts.push(chunk.subarray(start, end));
          this.partLen += end - start;
        }
      }
      if (nl < 0) return;
      if (this.overflow) emit({ tooLong: true, start: this.start });
      else emit(Buffer.concat(this.parts, this.partLen).toString('utf8'));
      this.parts = [];
      this.partLen = 0;
      this.overflow = false;
      start = nl + 1;
    }
  }

  /** Flushes a last line without LF at end of input. */
  end(emit: (line: QueuedLine) => void): void {
    if (this.overflow) emit({ tooLong: true, start: this.start });
    else if (this.partLen > 0) emit(Buffer.concat(this.parts, this.partLen).toString('utf8'));
    this.parts = [];
    this.partLen = 0;
    this.overflow = false;
  }
}

/**
 * Serves GTP on `input` / `output` until `quit` or end of input (commands already received still run).
 * Resolves when done; never rejects because of what the controller sends.
 */
export async function serveGtp(session: GtpSession, input: Readable, output: Writable): Promise<void> {
  const queue: QueuedLine[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  let outputBroken = false;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const splitter = new LineSplitter();
  const onData = (chunk: Buffer | string): void => {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, (l) => queue.push(l));
    if (queue.length > 0) notify();
  };
  const onEnd = (): void => {
    splitter.end((l) => queue.push(l));
    ended = true;
    notify();
  };
  const onOutputError = (): void => {
    // The controller went away (EPIPE): nobody reads responses any more.
    outputBroken = true;
    ended = true;
    notify();
  };
  input.on('data', onData);
  input.on('end', onEnd);
  input.on('error', onEnd);
  output.on('error', onOutputError);

  const write = (text: string): void => {
    if (!outputBroken && text !== '') output.write(text);
  };
  const channel: StreamChannel = {
    write,
    waitForInput(ms: number): Promise<boolean> {
      if (queue.length > 0 || ended) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          wake = null;
          resolve(false);
        }, ms);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
  };

  try {
    for (;;) {
      if (queue.length === 0) {
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const raw = queue.shift()!;
      if (typeof raw !== 'string') {
        write(formatResponse(false, leadingId(raw.start), `command line longer than ${MAX_LINE_BYTES} bytes ignored`));
        continue;
      }
      const cmd = parseCommandLine(raw);
      if (cmd === null) continue;
      write(await session.execute(cmd, channel));
      if (session.quitRequested || outputBroken) break;
    }
  } finally {
    input.off('data', onData);
    input.off('end', onEnd);
    input.off('error', onEnd);
    output.off('error', onOutputError);
  }
}

// Messages and shared counters between PrefetchingSource (trainer thread) and prefetch-worker.ts. Both sides pull
// messages with receiveMessageOnPort and sleep on Atomics counters, so the worker never needs its event loop and
// the trainer can wait either synchronously (next) or asynchronously (nextAsync).
import type { MessagePort } from 'node:worker_threads';
import type { Split } from './dataset.js';
import type { Batch, TrainingSourceState } from './loader.js';

/** Int32 slots of the shared control array. */
export const WAKE_MAIN = 0; // bumped by the worker after each posted reply
export const WAKE_WORKER = 1; // bumped by the trainer after each consumed batch or posted request
export const CONSUMED = 2; // batches of the current generation the trainer has taken
export const CTL_SLOTS = 3;

export interface PrefetchInit {
  dir: string;
  contentHash: string;
  features: string;
  split: Split;
  augment: boolean;
  positionsPerGame: number;
  /** Batches the worker may have ready ahead of the trainer. */
  depth: number;
  ctl: SharedArrayBuffer;
  /** Trainer → worker requests. */
  requests: MessagePort;
  /** Worker → trainer replies. */
  replies: MessagePort;
}

/** `start` (re)starts production from a loader state; earlier generations' batches are discarded by the trainer. */
export type PrefetchRequest =
  | { type: 'start'; gen: number; batchSize: number; state: TrainingSourceState }
  | { type: 'close' };

/** gen −1 marks an error outside any generation (the worker failed to boot). */
export type PrefetchReply =
  | { type: 'batch'; gen: number; batch: Batch; state: TrainingSourceState }
  | { type: 'error'; gen: number; message: string };

// worker_threads entry of PrefetchingSource: opens the dataset and encodes training batches ahead of the trainer,
// at most `depth` unconsumed batches at a time. Each batch travels with the loader state after it (its buffers are
// transferred, not copied), so the trainer can checkpoint exactly what it consumed.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openDataset } from './dataset.js';
import { TrainingBatchSource } from './loader.js';
import { CONSUMED, WAKE_MAIN, WAKE_WORKER, type PrefetchInit, type PrefetchReply, type PrefetchRequest } from './prefetch-protocol.js';

const init = workerData as PrefetchInit;
const ctl = new Int32Array(init.ctl);

function reply(m: PrefetchReply, transfer: ArrayBuffer[] = []): void {
  init.replies.postMessage(m, transfer);
  Atomics.add(ctl, WAKE_MAIN, 1);
  Atomics.notify(ctl, WAKE_MAIN);
}

function openSource(): TrainingBatchSource {
  // The trainer thread verified the digests a moment ago; checking the content hash is enough here.
  const ds = openDataset(init.dir, { verify: false });
  if (ds.manifest.contentHash !== init.contentHash) {
    throw new Error(`dataset ${init.dir} changed since the trainer opened it (content hash ${ds.manifest.contentHash.slice(0, 16)} ≠ ${init.contentHash.slice(0, 16)})`);
  }
  return new TrainingBatchSource(ds, {
    features: init.features,
    split: init.split,
    augment: init.augment,
    positionsPerGame: init.positionsPerGame,
  });
}

let source: TrainingBatchSource | null = null;
let gen = -1;
let batchSize = 0;
let produced = 0;
let failed = false;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

for (;;) {
  // Read the wake counter before draining requests, so a request posted in between cannot be slept through.
  const wake = Atomics.load(ctl, WAKE_WORKER);
  let closing = false;
  for (let m = receiveMessageOnPort(init.requests); m !== undefined; m = receiveMessageOnPort(init.requests)) {
    const req = m.message as PrefetchRequest;
    if (req.type === 'close') {
      closing = true;
      break;
    }
    gen = req.gen;
    batchSize = req.batchSize;
    produced = 0;
    failed = false;
    try {
      source ??= openSource();
      source.setState(req.state);
    } catch (e) {
      failed = true;
      reply({ type: 'error', gen, message: message(e) });
    }
  }
  if (closing) break;
  if (gen < 0 || failed || source === null || produced - Atomics.load(ctl, CONSUMED) >= init.depth) {
    Atomics.wait(ctl, WAKE_WORKER, wake);
    continue;
  }
  try {
    const b = source.next(batchSize);
    produced++;
    reply({ type: 'batch', gen, batch: b, state: source.getState() }, [
      b.inputs.buffer as ArrayBuffer,
      b.labels.buffer as ArrayBuffer,
      b.values.buffer as ArrayBuffer,
      ...(b.ownership ? [b.ownership.buffer as ArrayBuffer] : []),
      b.entries.buffer as ArrayBuffer,
      b.symmetries.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    failed = true;
    reply({ type: 'error', gen, message: message(e) });
  }
}
init.requests.close();
init.replies.close();

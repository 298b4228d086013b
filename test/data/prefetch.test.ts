// PrefetchingSource against the in-thread TrainingBatchSource on a real (small) dataset built from sgf-data/:
// identical batches bit for bit, exact cursors, resume, bounded queue, errors and shutdown.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/data/build.js';
import { openDataset, type Dataset } from '../../src/data/dataset.js';
import { createTrainingSource, type Batch, type TrainingSourceOptions } from '../../src/data/loader.js';
import { createPrefetchingSource, type PrefetchingSource } from '../../src/data/prefetch.js';

const sgfFile = fileURLToPath(new URL('../../sgf-data/tom9d-2010-07-first20.sgf.gz', import.meta.url));
let tmp: string;
let ds: Dataset;
const open: PrefetchingSource[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tengen-prefetch-'));
  await buildDataset([sgfFile], join(tmp, 'ds'), { minMoves: 40, allowHandicap: false, valPermille: 100 });
  ds = openDataset(join(tmp, 'ds'));
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  rmSync(tmp, { recursive: true, force: true });
});

function prefetching(options: TrainingSourceOptions & { depth?: number }, dataset = ds): PrefetchingSource {
  const s = createPrefetchingSource(dataset, options);
  open.push(s);
  return s;
}

function expectSameBatch(a: Batch, b: Batch, what: string): void {
  expect(b.size, what).toBe(a.size);
  // Bytes, not values: bit-for-bit identical inputs (a NaN or -0 difference would show).
  expect(Buffer.from(b.inputs.buffer, b.inputs.byteOffset, b.inputs.byteLength).equals(Buffer.from(a.inputs.buffer, a.inputs.byteOffset, a.inputs.byteLength)), what).toBe(true);
  expect(Array.from(b.labels), what).toEqual(Array.from(a.labels));
  expect(Array.from(b.entries), what).toEqual(Array.from(a.entries));
  expect(Array.from(b.symmetries), what).toEqual(Array.from(a.symmetries));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('PrefetchingSource', () => {
  it('yields the in-thread stream bit for bit, with the in-thread cursor after each batch', async () => {
    for (const options of [{ features: 'alphago48', seed: 7 }, { features: 'basic', seed: 2, positionsPerGame: 4, augment: false }] as const) {
      const ref = createTrainingSource(ds, options);
      const pf = prefetching(options);
      expect(pf.planes).toBe(ref.planes);
      expect(pf.positions).toBe(ref.populationSize);
      expect(pf.getCursor()).toEqual(ref.getState());
      for (let i = 0; i < 12; i++) {
        const a = ref.next(24);
        // Both ways of asking must give the same stream.
        const b = i % 3 === 2 ? pf.next(24) : await pf.nextAsync(24);
        expectSameBatch(a, b, `${options.features} batch ${i}`);
        expect(pf.getCursor()).toEqual(ref.getState());
      }
      // Guard against a vacuous comparison: augmentation really was applied when on.
      if (options.features === 'alphago48') expect(ref.getState().samples).toBe(12 * 24);
    }
  });

  it('checkpoints the state after the last batch handed out, not after the last one prefetched; setCursor resumes it', async () => {
    const options = { features: 'basic', seed: 11 };
    const ref = createTrainingSource(ds, options);
    const refBatches = Array.from({ length: 8 }, () => ref.next(16));
    const ref3 = createTrainingSource(ds, options);
    for (let i = 0; i < 3; i++) ref3.next(16);

    const pf = prefetching({ ...options, depth: 3 });
    for (let i = 0; i < 3; i++) await pf.nextAsync(16);
    await sleep(300); // let the worker run ahead
    expect(pf.buffered).toBeGreaterThan(0);
    const cursor = pf.getCursor();
    expect(cursor).toEqual(ref3.getState());
    expect(cursor.samples).toBe(48);

    // A fresh source (as after a restart) continues with batch 4.
    const resumed = prefetching(options);
    resumed.setCursor(JSON.parse(JSON.stringify(cursor)));
    for (let i = 3; i < 8; i++) expectSameBatch(refBatches[i], await resumed.nextAsync(16), `resumed batch ${i}`);

    // Rewinding the running source discards what it had prefetched.
    await pf.nextAsync(16);
    pf.setCursor(cursor);
    for (let i = 3; i < 6; i++) expectSameBatch(refBatches[i], await pf.nextAsync(16), `rewound batch ${i}`);
  });

  it('follows the in-thread stream when the batch size changes', async () => {
    const ref = createTrainingSource(ds, { features: 'basic', seed: 4 });
    const pf = prefetching({ features: 'basic', seed: 4 });
    for (const n of [8, 8, 5, 5, 13, 8]) expectSameBatch(ref.next(n), await pf.nextAsync(n), `size ${n}`);
  });

  it('keeps at most depth batches queued, however many it could make', async () => {
    const pf = prefetching({ features: 'basic', seed: 1, depth: 2 });
    await pf.nextAsync(32);
    // Wait (however busy the machine) until the worker has filled its queue, then give it time to overfill it.
    const deadline = Date.now() + 120_000;
    while (pf.buffered < 2 && Date.now() < deadline) await sleep(20);
    await sleep(600);
    const queued = pf.buffered;
    expect(queued).toBe(2);
    expect(pf.getCursor().samples).toBe(32);
  });

  it('rejects a cursor from another source, naming the difference', () => {
    const other = createTrainingSource(ds, { features: 'alphago48', seed: 1 }).getState();
    const pf = prefetching({ features: 'basic', seed: 1 });
    expect(() => pf.setCursor(other)).toThrow(/features alphago48 ≠ basic/);
    expect(() => prefetching({ features: 'basic', depth: 0 })).toThrow(/depth 0/);
  });

  it('reports a worker error with the dataset and the cause', async () => {
    const dir = join(tmp, 'doomed');
    cpSync(join(tmp, 'ds'), dir, { recursive: true });
    const doomed = openDataset(dir);
    const pf = prefetching({ features: 'basic', seed: 1 }, doomed);
    // The worker opens the dataset at the first request: by then it is gone.
    rmSync(dir, { recursive: true, force: true });
    await expect(pf.nextAsync(8)).rejects.toThrow(/training data loader worker \(dataset .*doomed\): dataset .*doomed: no such folder/);
    expect(() => pf.next(8)).toThrow(/training data loader worker/);
  });

  it('close() stops the worker; later requests throw', async () => {
    const pf = createPrefetchingSource(ds, { features: 'basic', seed: 1 });
    await pf.nextAsync(8);
    const t = performance.now();
    await pf.close();
    expect(performance.now() - t).toBeLessThan(1900); // exited on request, not by the 2 s terminate fallback
    await expect(pf.nextAsync(8)).rejects.toThrow(/after close/);
    await pf.close(); // idempotent
  });
});

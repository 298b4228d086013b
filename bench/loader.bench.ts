// Loader throughput with the trainer absent: batches/s and positions/s of the training stream (batch 64, random
// symmetry) and of the evaluation pass, per feature set, against the bare encoder on already-replayed boards (the
// ceiling the loader approaches as replay gets cheaper). Dataset: ../shared/data/tom9d/dev built into a temp dir.
// Second table: the prefetching source (worker thread, queue depth 3): batches/s when drained back to back, and the
// time a trainer waits per batch when each step computes (busy, on the trainer thread) 1× or 3× as long as an
// in-thread batch takes to encode; with the in-thread source the whole encode time is waiting. Needs a free core.
//   npx tsx bench/loader.bench.ts [--quick]     (--quick: one dev file, fewer batches)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDataset } from '../src/data/build.js';
import { openDataset } from '../src/data/dataset.js';
import { createTrainingSource, validationPositions } from '../src/data/loader.js';
import { createPrefetchingSource } from '../src/data/prefetch.js';
import { Replayer } from '../src/data/replay.js';
import { getFeatureSet } from '../src/features/registry.js';

const quick = process.argv.includes('--quick');
const dev = resolve(import.meta.dirname, '../../shared/data/tom9d/dev');
const files = readdirSync(dev).filter((f) => f.endsWith('.sgf.gz')).sort();
const inputs = (quick ? files.slice(0, 1) : files).map((f) => join(dev, f));
const tmp = mkdtempSync(join(tmpdir(), 'tengen-loader-bench-'));
const BATCH = 64;
const BATCHES = quick ? 15 : 80;

try {
  const built = await buildDataset(inputs, join(tmp, 'ds'), { minMoves: 40, allowHandicap: false, valPermille: 20 });
  const c = built.manifest.counts;
  const ds = openDataset(join(tmp, 'ds'));
  const rows: string[] = [];
  const prefetchRows: string[] = [];
  for (const [name, k] of [['basic', 1], ['alphago48', 1], ['basic', 8], ['alphago48', 8]] as const) {
    const fs = getFeatureSet(name);
    const src = createTrainingSource(ds, { features: name, seed: 1, positionsPerGame: k });
    src.next(BATCH); // warm-up (JIT)
    let t = performance.now();
    for (let i = 0; i < BATCHES; i++) src.next(BATCH);
    const trainSec = (performance.now() - t) / 1000;
    const replayedPerSample = src.movesReplayed / ((BATCHES + 1) * BATCH);

    // Ceiling: the encoder alone, on positions replayed beforehand (same kind of positions, sequential).
    const rep = new Replayer(ds);
    const pop = ds.labelledPositions('train');
    const out = new Float32Array(361 * fs.planes);
    const n = BATCH * BATCHES;
    t = 0;
    for (let i = 0; i < n; i++) {
      rep.seek(pop[Math.floor((i * pop.length) / n)]);
      const t0 = performance.now();
      fs.encode(rep.board, out, 0);
      t += performance.now() - t0;
    }
    const encodeSec = t / 1000;

    const ev = validationPositions(ds, { count: BATCH * BATCHES, seed: 1, features: name });
    t = performance.now();
    let seen = 0;
    for (const b of ev.evalBatches(BATCH)) seen += b.size;
    const evalSec = (performance.now() - t) / 1000;

    // Prefetching: drained back to back, then with a simulated gradient step of one in-thread batch time.
    const inThreadMs = (trainSec * 1000) / BATCHES;
    const pf = createPrefetchingSource(ds, { features: name, seed: 1, positionsPerGame: k });
    // Worker boot + warm-up: the worker's isolate JIT-compiles the replay and encoder afresh.
    for (let i = 0; i < 20; i++) await pf.nextAsync(BATCH);
    t = performance.now();
    for (let i = 0; i < BATCHES; i++) await pf.nextAsync(BATCH);
    const drainSec = (performance.now() - t) / 1000;
    const waits: number[] = [];
    for (const factor of [1, 3]) {
      const stepMs = factor * inThreadMs;
      let waitMs = 0;
      for (let i = 0; i < BATCHES; i++) {
        const end = performance.now() + stepMs;
        while (performance.now() < end); // the trainer's step: this thread is busy, the worker encodes ahead
        const w0 = performance.now();
        await pf.nextAsync(BATCH);
        waitMs += performance.now() - w0;
      }
      waits.push(waitMs / BATCHES);
    }
    await pf.close();
    prefetchRows.push(
      `| ${name} | ${k} | ${inThreadMs.toFixed(2)} | ${(BATCHES / drainSec).toFixed(1)} | ${waits[0].toFixed(2)} | ${(waits[0] / inThreadMs).toFixed(2)} | ` +
        `${waits[1].toFixed(2)} | ${(waits[1] / inThreadMs).toFixed(2)} |`,
    );

    const trainRate = (BATCH * BATCHES) / trainSec;
    const encodeRate = n / encodeSec;
    rows.push(
      `| ${name} | ${k} | ${(BATCHES / trainSec).toFixed(1)} | ${trainRate.toFixed(0)} | ${replayedPerSample.toFixed(0)} | ` +
        `${(seen / evalSec).toFixed(0)} | ${encodeRate.toFixed(0)} | ${(trainRate / encodeRate).toFixed(2)} |`,
    );
  }
  console.log(`dataset: ${inputs.length} dev file(s), ${c.games} games, ${c.trainLabelled} train / ${c.valLabelled} val positions; ` +
    `build ${built.seconds.toFixed(1)} s (${Math.round(c.gamesRead / built.seconds)} games/s), peak RSS ${(built.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log(`batch ${BATCH}, ${BATCHES} batches${quick ? ' (--quick)' : ''}\n`);
  console.log('| features | positions / game | train batches/s | train positions/s | moves replayed / sample | eval positions/s | encode-only positions/s | train / encode-only |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log('\nprefetching source (worker thread, depth 3):\n');
  console.log('| features | positions / game | in-thread ms / batch (= trainer wait) | prefetch batches/s (drained) | wait ms / batch, step = 1× | wait / in-thread | wait ms / batch, step = 3× | wait / in-thread |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of prefetchRows) console.log(r);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

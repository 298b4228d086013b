// The dynamic batcher: round-robin fairness between lanes (clients), concurrent passes, bounded queue.
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/engine/batcher.js';
import { EngineBusyError } from '../../src/engine/errors.js';

// A forward pass that echoes each row's first input value as its single output, and logs the rows of each pass.
function echo(log: number[][], delayMs = 1) {
  let active = 0;
  const seen = { maxActive: 0 };
  const fn = async (input: Float32Array, rows: number): Promise<Float32Array> => {
    active++;
    seen.maxActive = Math.max(seen.maxActive, active);
    log.push(Array.from({ length: rows }, (_, r) => input[r]!));
    await new Promise((r) => setTimeout(r, delayMs));
    active--;
    return Float32Array.from({ length: rows }, (_, r) => input[r]!);
  };
  return { fn, seen };
}

describe('Batcher', () => {
  it('serves a late client within one pass although another client queued a hundred requests', async () => {
    const log: number[][] = [];
    const b = new Batcher({ rowLen: 1, outLen: 1, maxBatch: 4, maxWaitMs: 0, maxQueue: 1000 }, echo(log).fn);
    const hog = {};
    const probe = {};
    const hogDone = Array.from({ length: 100 }, (_, i) => b.submit(Float32Array.of(i), 1, hog));
    const probeOut = await b.submit(Float32Array.of(-1), 1, probe);
    expect(probeOut[0]).toBe(-1);
    // The probe joined the first pass that was assembled after it arrived: the first or second of the run.
    const passOfProbe = log.findIndex((rows) => rows.includes(-1));
    expect(passOfProbe).toBeGreaterThanOrEqual(0);
    expect(passOfProbe).toBeLessThanOrEqual(1);
    const outs = await Promise.all(hogDone);
    outs.forEach((o, i) => expect(o[0]).toBe(i)); // each lane stays in order and every answer is its own
    await b.close();
  });

  it('runs up to `concurrency` passes at once', async () => {
    const log: number[][] = [];
    const e = echo(log, 20);
    const b = new Batcher({ rowLen: 1, outLen: 1, maxBatch: 2, maxWaitMs: 0, maxQueue: 100, concurrency: 2 }, e.fn);
    await Promise.all(Array.from({ length: 12 }, (_, i) => b.submit(Float32Array.of(i), 1, { i })));
    expect(e.seen.maxActive).toBe(2);
    expect(log.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const one = new Batcher({ rowLen: 1, outLen: 1, maxBatch: 2, maxWaitMs: 0, maxQueue: 100 }, echo([], 5).fn);
    await Promise.all(Array.from({ length: 6 }, (_, i) => one.submit(Float32Array.of(i), 1)));
    await b.close();
    await one.close();
  });

  it('shares the waiting rows out over the free passes instead of packing the first one', async () => {
    const log: number[][] = [];
    const e = echo(log, 20);
    const b = new Batcher({ rowLen: 1, outLen: 1, maxBatch: 64, maxWaitMs: 5, maxQueue: 1000, concurrency: 2 }, e.fn);
    // 64 single rows arrive within the wait: two passes of 32 run side by side (packing would give 64 + nothing).
    await Promise.all(Array.from({ length: 64 }, (_, i) => b.submit(Float32Array.of(i), 1, { i })));
    expect(log.map((p) => p.length)).toEqual([32, 32]);
    expect(e.seen.maxActive).toBe(2);
    // Past what both passes hold, each takes maxBatch.
    log.length = 0;
    await Promise.all(Array.from({ length: 200 }, (_, i) => b.submit(Float32Array.of(i), 1, { i })));
    expect(log.slice(0, 2).map((p) => p.length)).toEqual([64, 64]);
    expect(log.flat().length).toBe(200);
    await b.close();
  });

  it('refuses past maxQueue with EngineBusyError and answers everything queued before', async () => {
    const b = new Batcher({ rowLen: 1, outLen: 1, maxBatch: 1, maxWaitMs: 5, maxQueue: 3 }, echo([]).fn);
    const ps = Array.from({ length: 5 }, (_, i) => b.submit(Float32Array.of(i), 1, { i }));
    const settled = await Promise.allSettled(ps);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(3);
    for (const s of settled.filter((s) => s.status === 'rejected')) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(EngineBusyError);
    expect(b.stats()).toMatchObject({ rejected: 2, queueDepth: 0, lanes: 0 });
    await b.close();
  });
});

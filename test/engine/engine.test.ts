// Engine: legal masking, batching of concurrent calls (same results as one at a time), symmetry averaging,
// queue limit and shutdown. Uses a tiny random model saved to a temp dir.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, EngineBusyError, EngineClosedError, positionFromMoves, topMoves, maskAndNormalise } from '../../src/engine/index.js';
import { Board } from '../../src/go/board.js';
import { NPOINTS, PASS } from '../../src/go/constants.js';
import { gtpToPoint } from '../../src/go/coords.js';
import { transformPoint } from '../../src/features/symmetry.js';
import { makeTinyModel } from './model-fixture.js';

let model: { dir: string; cleanup: () => void };
let engine: Engine;
beforeAll(async () => {
  model = await makeTinyModel();
  engine = await Engine.load({ modelDir: model.dir, backend: 'cpu', maxBatch: 16, maxWaitMs: 2 });
});
afterAll(async () => {
  await engine?.close();
  model?.cleanup();
});

const opening = ['Q16', 'D4', 'Q4', 'D16', 'C14', 'F17', 'K4', 'R6'];

function boards(n: number): Board[] {
  const out: Board[] = [];
  for (let i = 0; i < n; i++) out.push(positionFromMoves({ moves: opening.slice(0, i % opening.length) }).board);
  return out;
}

describe('pure helpers', () => {
  it('maskAndNormalise zeroes illegal points and renormalises by hand', () => {
    const p = new Float32Array(NPOINTS);
    p[0] = 0.5;
    p[1] = 0.25;
    p[2] = 0.25;
    const legal = new Uint8Array(NPOINTS);
    legal[1] = 1;
    legal[2] = 1;
    maskAndNormalise(p, legal);
    expect([p[0], p[1], p[2]]).toEqual([0, 0.5, 0.5]);
  });
  it('maskAndNormalise spreads evenly when the model gave legal points nothing', () => {
    const p = new Float32Array(NPOINTS);
    p[0] = 1;
    const legal = new Uint8Array(NPOINTS);
    legal[5] = legal[9] = legal[200] = legal[300] = 1;
    maskAndNormalise(p, legal);
    expect([p[0], p[5], p[9], p[200], p[300]]).toEqual([0, 0.25, 0.25, 0.25, 0.25]);
  });
  it('topMoves ranks best first, skips zeros, suggests pass when nothing is legal', () => {
    const p = new Float32Array(NPOINTS);
    p[10] = 0.1;
    p[20] = 0.6;
    p[30] = 0.3;
    expect(topMoves(p, 2)).toEqual([{ point: 20, prob: p[20] }, { point: 30, prob: p[30] }]);
    expect(topMoves(p, 10).map((m) => m.point)).toEqual([20, 30, 10]);
    expect(topMoves(new Float32Array(NPOINTS), 5)).toEqual([{ point: PASS, prob: 1 }]);
  });
});

describe('Engine', () => {
  it('reports model, backend and readiness', () => {
    expect(engine.model.id).toBe('tiny-test');
    expect(engine.model.featureSet.name).toBe('basic');
    expect(engine.backend).toBe('cpu');
    expect(engine.ready).toBe(true);
  });

  it('gives a distribution over legal points only (occupied and ko points are 0)', async () => {
    const { board } = positionFromMoves({
      setup: { black: ['D4', 'E5', 'E3'], white: ['F5', 'F3', 'G4'] },
      moves: [['B', 'F4'], ['W', 'E4']],
    });
    const policy = await engine.policy(board);
    let sum = 0;
    for (let p = 0; p < NPOINTS; p++) {
      sum += policy[p]!;
      if (!board.isLegal(p)) expect(policy[p], `point ${p}`).toBe(0);
      else expect(policy[p]!).toBeGreaterThan(0);
    }
    expect(sum).toBeCloseTo(1, 5);
    expect(policy[gtpToPoint('F4')]).toBe(0); // ko
    expect(policy[gtpToPoint('D4')]).toBe(0); // occupied
    const { moves } = await engine.suggest(board, { topK: 361 });
    for (const m of moves) expect(board.isLegal(m.point)).toBe(true);
    for (let i = 1; i < moves.length; i++) expect(moves[i - 1]!.prob).toBeGreaterThanOrEqual(moves[i]!.prob);
  });

  it('batches concurrent calls and gives the same results as one at a time', async () => {
    const bs = boards(40);
    const alone: Float32Array[] = [];
    for (const b of bs) alone.push(await engine.policy(b));
    const before = engine.stats();
    const together = await Promise.all(bs.map((b) => engine.policy(b)));
    const after = engine.stats();
    expect(after.requests - before.requests).toBe(40);
    const passes = after.batches - before.batches;
    expect(passes).toBeLessThan(40);
    expect(passes).toBeGreaterThanOrEqual(3); // 40 rows, at most 16 per pass
    const hist = after.batchSizeHistogram.map((v, i) => v - before.batchSizeHistogram[i]!);
    expect(hist.slice(2).reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // some pass held ≥ 3 positions
    for (let i = 0; i < bs.length; i++) {
      for (let p = 0; p < NPOINTS; p++) expect(Math.abs(together[i]![p]! - alone[i]![p]!)).toBeLessThan(1e-5);
    }
  });

  it('8-symmetry averaging equals the mean of the 8 transformed boards mapped back', async () => {
    const moves = ['Q16', 'D4', 'R4', 'C16', 'E17'];
    const board = positionFromMoves({ moves }).board;
    const avg8 = await engine.policy(board, { symmetries: 8, mask: false });
    const manual = new Float64Array(NPOINTS);
    for (let s = 0; s < 8; s++) {
      const tb = positionFromMoves({ moves: moves.map((v) => String(transformPoint(gtpToPoint(v), s))).map((p) => toGtp(Number(p))) }).board;
      const pol = await engine.policy(tb, { mask: false });
      for (let p = 0; p < NPOINTS; p++) manual[p] += pol[transformPoint(p, s)]! / 8;
    }
    for (let p = 0; p < NPOINTS; p++) expect(Math.abs(avg8[p]! - manual[p]!)).toBeLessThan(1e-6);
    const masked = await engine.policy(board, { symmetries: 8 });
    expect(masked[gtpToPoint('Q16')]).toBe(0);
    expect(avg8[gtpToPoint('Q16')]).toBeGreaterThan(0);
    // and differs from the single-view policy (the random net is not symmetric)
    const one = await engine.policy(board, { mask: false });
    let diff = 0;
    for (let p = 0; p < NPOINTS; p++) diff += Math.abs(one[p]! - avg8[p]!);
    expect(diff).toBeGreaterThan(1e-3);
  });

  it('rejects bad options by name', async () => {
    await expect(engine.suggest(new Board(), { topK: 0 })).rejects.toThrow(/topK/);
    await expect(engine.policy(new Board(), { symmetries: 4 as 1 })).rejects.toThrow(/symmetries/);
  });
});

function toGtp(p: number): string {
  return 'ABCDEFGHJKLMNOPQRST'[p % 19]! + String(19 - Math.floor(p / 19));
}

describe('Engine limits and shutdown', () => {
  it('refuses work beyond the queue bound with EngineBusyError', async () => {
    const e = await Engine.load({ modelDir: model.dir, backend: 'cpu', maxBatch: 1, maxWaitMs: 0, maxQueue: 3 });
    try {
      const b = new Board();
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => e.policy(b)));
      const busy = results.filter((r) => r.status === 'rejected');
      expect(busy.length).toBeGreaterThan(0);
      for (const r of busy) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(EngineBusyError);
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(3);
      expect(e.stats().rejected).toBe(busy.length);
    } finally {
      await e.close();
    }
  });

  it('close() answers queued requests, then refuses new ones', async () => {
    const e = await Engine.load({ modelDir: model.dir, backend: 'cpu', maxBatch: 4, maxWaitMs: 2 });
    const pending = boards(10).map((b) => e.policy(b));
    const closed = e.close();
    expect(e.ready).toBe(false);
    const done = await Promise.all(pending);
    expect(done).toHaveLength(10);
    await closed;
    await expect(e.policy(new Board())).rejects.toBeInstanceOf(EngineClosedError);
  });

  it('fails to load a missing model with a message naming the directory', async () => {
    await expect(Engine.load({ modelDir: '/nonexistent/model', backend: 'cpu' })).rejects.toThrow(/\/nonexistent\/model.*does not exist/);
  });
});

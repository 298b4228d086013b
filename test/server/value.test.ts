// Win rates from the value head: /v1/analyze gives Black's win probability before each move (the engine's own
// evaluation of that position, turned to Black's view), null with a policy-only model; the web board draws it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positionFromMoves } from '../../src/engine/index.js';
import { saveRandomModel } from '../../src/model/random-model.js';
import { makeApp, type Fixture } from './fixture.js';

const sgf = '(;SZ[19]KM[6.5];B[pd];W[dd];B[pp];W[dp];B[fq])';
const moves = ['Q16', 'D16', 'Q4', 'D4', 'F3'];

describe('win rates in /v1/analyze', () => {
  let root: string;
  let valueFx: Fixture;
  let policyFx: Fixture;
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'tengen-value-'));
    const dir = path.join(root, 'tiny-value');
    await saveRandomModel(dir, 'alphago49', { seed: 11, arch: { valueHead: { channels: 2, hidden: 8 } } });
    valueFx = await makeApp({}, { modelDir: dir });
    policyFx = await makeApp();
  }, 120_000);
  afterAll(async () => {
    await valueFx?.close();
    await policyFx?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('/v1/models says which heads the served model has', async () => {
    expect((await valueFx.app.inject('/v1/models')).json().models[0]).toMatchObject({ hasValue: true, hasOwnership: false, architecture: { valueHead: { channels: 2, hidden: 8 } } });
    expect((await policyFx.app.inject('/v1/models')).json().models[0]).toMatchObject({ hasValue: false, hasOwnership: false });
  });

  it("gives Black's win probability before each move, as the engine evaluates that position", async () => {
    const res = await valueFx.app.inject({ method: 'POST', url: '/v1/analyze', payload: { sgf } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { hasValue: boolean; moves: { winrate: number | null; color: string }[] };
    expect(body.hasValue).toBe(true);
    expect(body.moves).toHaveLength(5);
    for (const [i, m] of body.moves.entries()) {
      expect(m.winrate).not.toBeNull();
      const board = positionFromMoves({ moves: moves.slice(0, i) }).board;
      const { value } = await valueFx.engine.evaluate(board, { komi: 6.5 });
      const black = m.color === 'B' ? value! : 1 - value!;
      expect(m.winrate!).toBeCloseTo(black, 5);
      expect(m.winrate!).toBeGreaterThanOrEqual(0);
      expect(m.winrate!).toBeLessThanOrEqual(1);
    }
  });

  it('is null with a policy-only model, which says it has no value head', async () => {
    const body = (await policyFx.app.inject({ method: 'POST', url: '/v1/analyze', payload: { sgf } })).json() as { hasValue: boolean; moves: { winrate: unknown }[] };
    expect(body.hasValue).toBe(false);
    expect(body.moves.every((m) => m.winrate === null)).toBe(true);
  });
});

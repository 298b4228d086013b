// KataGo analysis-engine protocol over HTTP (NDJSON) and WebSocket: per-turn lines, policy layout, errors with field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtpToPoint } from '../../src/go/coords.js';
import { makeApp, type Fixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeApp();
});
afterAll(async () => fx?.close());

const lines = (body: string) =>
  body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);

const query = {
  id: 'q1',
  initialStones: [['B', 'Q4'], ['B', 'C4']],
  moves: [['W', 'P5'], ['B', 'P6']],
  rules: 'tromp-taylor',
  komi: 7.5,
  boardXSize: 19,
  boardYSize: 19,
  analyzeTurns: [0, 1, 2],
  includePolicy: true,
  maxVisits: 40,
};

describe('POST /v1/katago-analysis', () => {
  it('answers one NDJSON line per turn with KataGo fields and a 362-entry policy', async () => {
    const res = await fx.app.inject({ method: 'POST', url: '/v1/katago-analysis', payload: query });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const out = lines(res.body);
    expect(out.map((o) => o.turnNumber)).toEqual([0, 1, 2]);
    // Turn 0: after black-only initial stones and a first move by W, White is to play.
    expect(out.map((o) => o.rootInfo.currentPlayer)).toEqual(['W', 'B', 'W']);
    for (const o of out) {
      expect(o.id).toBe('q1');
      expect(o.isDuringSearch).toBe(false);
      expect(o.policy).toHaveLength(362);
      expect(o.policy[361]).toBe(0);
      const legalSum = o.policy.filter((v: number) => v >= 0).reduce((a: number, b: number) => a + b, 0);
      expect(legalSum).toBeCloseTo(1, 4);
      expect(o.moveInfos.length).toBeGreaterThan(0);
      // A real search: maxVisits 40 visits at the root, shared among the moves, each with its principal variation.
      expect(o.rootInfo.visits).toBe(40);
      expect(o.moveInfos.reduce((t: number, m: Record<string, any>) => t + m.visits, 0)).toBe(39);
      o.moveInfos.forEach((m: Record<string, any>, i: number) => {
        expect(m.order).toBe(i);
        expect(m.pv[0]).toBe(m.move);
        if (m.move !== 'pass') expect(m.prior).toBeCloseTo(o.policy[gtpToPoint(m.move)], 6);
      });
    }
    // Stones are -1 (illegal): Q4 and C4 at every turn, P5 from turn 1, P6 at turn 2.
    expect(out[0]!.policy[gtpToPoint('Q4')]).toBe(-1);
    expect(out[0]!.policy[gtpToPoint('P5')]).toBeGreaterThan(0);
    expect(out[1]!.policy[gtpToPoint('P5')]).toBe(-1);
    expect(out[2]!.policy[gtpToPoint('P6')]).toBe(-1);
    expect(out[1]!.policy[gtpToPoint('P6')]).toBeGreaterThan(0);
  });

  it('defaults to the last turn and leaves the policy out unless asked', async () => {
    const res = await fx.app.inject({ method: 'POST', url: '/v1/katago-analysis', payload: { id: 'x', moves: [['B', 'D4']], rules: 'japanese' } });
    const out = lines(res.body);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'x', turnNumber: 1, rootInfo: { currentPlayer: 'W' } });
    expect(out[0]!.policy).toBeUndefined();
  });

  it('answers bad queries with KataGo {error, field, id}', async () => {
    const bad = async (payload: object) => {
      const res = await fx.app.inject({ method: 'POST', url: '/v1/katago-analysis', payload });
      expect(res.statusCode).toBe(400);
      return lines(res.body)[0]!;
    };
    expect(await bad({ id: 'a', moves: [], boardXSize: 9, boardYSize: 9 })).toMatchObject({ field: 'boardXSize', id: 'a' });
    expect(await bad({ id: 'b', moves: [['B', 'D4'], ['W', 'D4']] })).toMatchObject({ field: 'moves', id: 'b' });
    expect((await bad({ id: 'b', moves: [['B', 'D4'], ['W', 'D4']] })).error).toBe('Illegal move 1: D4'); // KataGo's wording, 0-based
    expect(await bad({ id: 'c', moves: [['B', 'D4']], analyzeTurns: [2] })).toMatchObject({ field: 'analyzeTurns' });
    expect(await bad({ id: 'd', moves: [], komi: 7.3 })).toMatchObject({ field: 'komi' });
    expect(await bad({ id: 'e', moves: [], action: 'explode' })).toMatchObject({ field: 'action' });
  });

  it('answers query_version by echoing the query with a version', async () => {
    const res = await fx.app.inject({ method: 'POST', url: '/v1/katago-analysis', payload: { id: 'v', action: 'query_version' } });
    expect(lines(res.body)[0]).toMatchObject({ id: 'v', action: 'query_version', git_hash: '<omitted>' });
  });
});

describe('WebSocket /v1/katago', () => {
  it('answers each query message with one message per turn, and errors in KataGo form', async () => {
    const ws = await fx.app.injectWS('/v1/katago');
    const received: Record<string, any>[] = [];
    const want = 4;
    const done = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        received.push(JSON.parse(String(data)));
        if (received.length === want) resolve();
      });
    });
    ws.send(JSON.stringify({ id: 'w1', moves: [['B', 'Q16'], ['W', 'D4']], analyzeTurns: [0, 2], rules: 'chinese', komi: 7 }));
    ws.send('{not json');
    ws.send(JSON.stringify({ id: 'w2', moves: [], boardYSize: 13 }));
    await done;
    ws.terminate();
    const byId = received.filter((r) => r.id === 'w1').map((r) => r.turnNumber).sort();
    expect(byId).toEqual([0, 2]);
    expect(received.find((r) => r.id === 'w2')).toMatchObject({ field: 'boardYSize' });
    expect(received.find((r) => r.id === undefined)!.error).toMatch(/JSON/);
  });
});

describe('includeOwnership from an ownership head', () => {
  it('reports the network\'s root ownership, turned to Black\'s view (or the asked perspective)', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { saveRandomModel } = await import('../../src/model/random-model.js');
    const { positionFromMoves } = await import('../../src/engine/index.js');
    const root = mkdtempSync(path.join(os.tmpdir(), 'tengen-kata-own-'));
    const dir = path.join(root, 'own');
    await saveRandomModel(dir, 'alphago49', { seed: 5, arch: { valueHead: { channels: 2, hidden: 4 }, ownershipHead: true } });
    const f = await makeApp({}, { modelDir: dir });
    try {
      const q = { id: 'o', moves: [['B', 'Q16'], ['W', 'D4'], ['B', 'Q4']], komi: 7.5, rules: 'tromp-taylor', boardXSize: 19, boardYSize: 19, maxVisits: 4, includeOwnership: true };
      const board = positionFromMoves({ moves: ['Q16', 'D4', 'Q4'] }).board; // White to move
      const { ownership } = await f.engine.evaluate(board, { komi: 7.5 });
      for (const [perspective, sign] of [['BLACK', -1], ['WHITE', 1], ['SIDETOMOVE', 1]] as const) {
        const res = await f.app.inject({ method: 'POST', url: '/v1/katago-analysis', payload: { ...q, overrideSettings: { reportAnalysisWinratesAs: perspective } } });
        const [o] = lines(res.body);
        expect(o!.ownership).toHaveLength(361);
        for (let p = 0; p < 361; p++) expect(o!.ownership[p]).toBeCloseTo(sign * ownership![p]!, 5);
      }
    } finally {
      await f.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  it('includeMovesOwnership: each moveInfo carries the network\'s ownership after its move; a model without the head warns', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { saveRandomModel } = await import('../../src/model/random-model.js');
    const { positionFromMoves } = await import('../../src/engine/index.js');
    const { gtpToPoint } = await import('../../src/go/coords.js');
    const root = mkdtempSync(path.join(os.tmpdir(), 'tengen-kata-mown-'));
    const dir = path.join(root, 'own');
    await saveRandomModel(dir, 'alphago49', { seed: 5, arch: { valueHead: { channels: 2, hidden: 4 }, ownershipHead: true } });
    const f = await makeApp({}, { modelDir: dir });
    const plain = await makeApp();
    try {
      const q = { id: 'm', moves: [['B', 'Q16'], ['W', 'D4'], ['B', 'Q4']], komi: 7.5, rules: 'tromp-taylor', boardXSize: 19, boardYSize: 19, maxVisits: 12, includeMovesOwnership: true };
      // White to move: after a White move Black is to move, whose view the network gives, which is Black's view.
      for (const [perspective, sign] of [['BLACK', 1], ['WHITE', -1], ['SIDETOMOVE', -1]] as const) {
        const res = await f.app.inject({ method: 'POST', url: '/v1/katago-analysis', payload: { ...q, overrideSettings: { reportAnalysisWinratesAs: perspective } } });
        const [o] = lines(res.body);
        expect(o!.moveInfos.length).toBeGreaterThan(2);
        for (const m of o!.moveInfos.slice(0, 3)) {
          const child = positionFromMoves({ moves: ['Q16', 'D4', 'Q4', m.move] }).board;
          const { ownership } = await f.engine.evaluate(child, { komi: 7.5 });
          expect(m.ownership).toHaveLength(361);
          for (const p of [0, gtpToPoint(m.move), 180, 360]) expect(m.ownership[p]).toBeCloseTo(sign * ownership![p]!, 5);
        }
      }
      const res = await plain.app.inject({ method: 'POST', url: '/v1/katago-analysis', payload: q });
      const out = lines(res.body);
      expect(out[0]).toMatchObject({ field: 'includeMovesOwnership', id: 'm', warning: expect.stringMatching(/needs a model with an ownership head/) });
      expect(out[1]!.moveInfos[0].ownership).toBeUndefined();
    } finally {
      await f.close();
      await plain.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

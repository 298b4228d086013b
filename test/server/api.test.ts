// HTTP API happy paths: suggest (moves / SGF / move number / path), analyze, models, health, metrics, OpenAPI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtpToPoint, sgfToPoint } from '../../src/go/coords.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { positionFromMoves } from '../../src/engine/index.js';
import { makeTinyModel } from '../engine/model-fixture.js';
import { saveRandomModel } from '../../src/model/random-model.js';
import { makeApp, makeAppOver, type Fixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeApp();
});
afterAll(async () => fx?.close());

const post = (url: string, payload: unknown) => fx.app.inject({ method: 'POST', url, payload: payload as object });

describe('POST /v1/suggest', () => {
  it('ranks legal moves for a move list, with both coordinate forms', async () => {
    const res = await post('/v1/suggest', { moves: ['Q16', 'D4', 'Q4'], topK: 5, includePolicy: true });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.toPlay).toBe('W');
    expect(body.moveNumber).toBe(3);
    expect(body.model).toBe('tiny-test');
    expect(body.moves).toHaveLength(5);
    const board = positionFromMoves({ moves: ['Q16', 'D4', 'Q4'] }).board;
    for (const [i, m] of body.moves.entries()) {
      expect(m.order).toBe(i);
      expect(gtpToPoint(m.gtp)).toBe(sgfToPoint(m.sgf));
      expect(board.isLegal(gtpToPoint(m.gtp))).toBe(true);
      expect(m.prob).toBeCloseTo(body.policy[gtpToPoint(m.gtp)], 6);
    }
    expect(body.policy).toHaveLength(361);
    expect(body.policy[gtpToPoint('Q16')]).toBe(0);
    expect(body.policy.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('reads an SGF up to a move number and along a variation path', async () => {
    const sgf = '(;GM[1]SZ[19]KM[6.5];B[pd];W[dd](;B[pp];W[dp])(;B[dp]))';
    const atTwo = (await post('/v1/suggest', { sgf, moveNumber: 2, includePolicy: true })).json();
    expect(atTwo.toPlay).toBe('B');
    expect(atTwo.moveNumber).toBe(2);
    expect(atTwo.komi).toBe(6.5);
    expect(atTwo.policy[sgfToPoint('dd')]).toBe(0);
    expect(atTwo.policy[sgfToPoint('pp')]).toBeGreaterThan(0);
    const variation = (await post('/v1/suggest', { sgf, path: [1], includePolicy: true })).json();
    expect(variation.moveNumber).toBe(3);
    expect(variation.toPlay).toBe('W');
    expect(variation.policy[sgfToPoint('dp')]).toBe(0);
    expect(variation.policy[sgfToPoint('pp')]).toBeGreaterThan(0);
  });

  it('honours setup stones, explicit side to move and symmetry averaging', async () => {
    const a = (await post('/v1/suggest', { setup: { black: ['D4', 'Q16'] }, toPlay: 'W', includePolicy: true, symmetries: 8 })).json();
    expect(a.toPlay).toBe('W');
    expect(a.policy[gtpToPoint('D4')]).toBe(0);
    const b = (await post('/v1/suggest', { setup: { black: ['D4', 'Q16'] }, toPlay: 'W', includePolicy: true })).json();
    expect(a.policy).not.toEqual(b.policy);
  });

  it('gives the same answer as the engine directly', async () => {
    const board = positionFromMoves({ moves: ['pd', 'dp', 'pass'] }).board;
    const direct = await fx.engine.suggest(board, { topK: 3 });
    const http = (await post('/v1/suggest', { moves: ['pd', 'dp', 'pass'], topK: 3 })).json();
    expect(http.moves.map((m: { gtp: string }) => gtpToPoint(m.gtp))).toEqual(direct.moves.map((m) => m.point));
  });
});

describe('POST /v1/analyze', () => {
  it('scores every move: rank and probability of the move played, and a summary', async () => {
    const sgf = '(;SZ[19];B[pd];W[dd];B[pp];W[tt];B[dp])';
    const res = await post('/v1/analyze', { sgf, topK: 3 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.moves).toHaveLength(5);
    expect(body.moves[3]).toMatchObject({ moveNumber: 4, color: 'W', played: { gtp: 'pass' }, prob: null, rank: null });
    // Move 3 (B pp) must match /v1/suggest at move number 2.
    const at2 = (await post('/v1/suggest', { sgf, moveNumber: 2, includePolicy: true })).json();
    const prob = at2.policy[sgfToPoint('pp')];
    const rank = 1 + at2.policy.filter((v: number) => v > prob).length;
    expect(body.moves[2].prob).toBeCloseTo(prob, 6);
    expect(body.moves[2].rank).toBe(rank);
    expect(body.moves[2].top.map((t: { sgf: string }) => t.sgf)).toEqual(at2.moves.slice(0, 3).map((m: { sgf: string }) => m.sgf));
    expect(body.summary.moves).toBe(4);
    const ranks = body.moves.filter((m: { rank: number | null }) => m.rank !== null).map((m: { rank: number }) => m.rank);
    expect(body.summary.top1).toBeCloseTo(ranks.filter((r: number) => r === 1).length / 4, 9);
  });
});

describe('service routes', () => {
  it('GET /v1/models describes the served model', async () => {
    const body = (await fx.app.inject('/v1/models')).json();
    expect(body.models[0]).toMatchObject({ id: 'tiny-test', featureSet: { name: 'basic', planes: 9 }, backend: 'cpu', evaluations: [], hasValue: false, hasOwnership: false });
  });
  it('GET /v1/models says which model a warm-started model was trained from and distilled (tengen.json initFrom, distilledFrom)', async () => {
    const model = await makeTinyModel('basic', 8);
    const file = path.join(model.dir, 'tengen.json');
    const initFrom = { model: 'models/runs/own-6x64-r1/best', steps: 23000, positionsSeen: 2944000, wallClockSeconds: 35838.1, dataManifestHash: null };
    const distilledFrom = { model: 'models/default', symmetries: 8, weight: 0.75 };
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), initFrom, distilledFrom }));
    const other = await makeAppOver(model.dir);
    try {
      const m = (await other.app.inject('/v1/models')).json().models[0];
      expect(m.initFrom).toEqual(initFrom);
      expect(m.distilledFrom).toEqual(distilledFrom);
      expect((await fx.app.inject('/v1/models')).json().models[0]).not.toHaveProperty('initFrom');
      expect((await fx.app.inject('/v1/models')).json().models[0]).not.toHaveProperty('distilledFrom');
    } finally {
      await other.close();
      model.cleanup();
    }
  });
  it('GET /v1/models shows a value head\'s temperature scaling (tengen.json valueCalibration)', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tengen-api-'));
    const dir = path.join(root, 'calibrated');
    await saveRandomModel(dir, 'basic', { arch: { valueHead: { channels: 4, hidden: 8 } } });
    const file = path.join(dir, 'tengen.json');
    const valueCalibration = { scale: 1.3, data: 'abc', split: 'val', seed: 1, positions: 500, logLossBefore: 0.6, logLossAfter: 0.58, date: '2026-12-04T00:00:00.000Z' };
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), valueCalibration }));
    const other = await makeAppOver(dir);
    try {
      const res = await other.app.inject('/v1/models');
      expect(res.statusCode).toBe(200);
      expect(res.json().models[0]).toMatchObject({ hasValue: true, valueCalibration });
      expect((await fx.app.inject('/v1/models')).json().models[0]).not.toHaveProperty('valueCalibration');
    } finally {
      await other.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('GET /healthz and /readyz', async () => {
    expect((await fx.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await fx.app.inject('/readyz')).json()).toEqual({ status: 'ready', model: 'tiny-test' });
  });
  it('GET /metrics exposes requests, latency, batch sizes and queue depth', async () => {
    await post('/v1/suggest', { moves: [] });
    const text = (await fx.app.inject('/metrics')).body;
    expect(text).toMatch(/^tengen_http_requests_total\{route="\/v1\/suggest",method="POST",status="200"\} [1-9]/m);
    expect(text).toMatch(/^tengen_http_request_duration_seconds_bucket\{route="\/v1\/suggest",method="POST",le="\+Inf"\} [1-9]/m);
    expect(text).toMatch(/^tengen_engine_batch_size_bucket\{le="1"\} \d+/m);
    expect(text).toMatch(/^tengen_engine_queue_depth 0$/m);
    expect(text).toMatch(/^tengen_engine_ready\{model="tiny-test",backend="cpu"\} 1$/m);
  });
  it('serves OpenAPI generated from the zod schemas and the web board', async () => {
    const doc = (await fx.app.inject('/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    const suggest = doc.paths['/v1/suggest'].post;
    expect(suggest.requestBody.content['application/json'].schema.properties).toHaveProperty('moves');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/analyze', '/v1/katago-analysis', '/v1/models', '/readyz']));
    const ui = await fx.app.inject('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toMatch(/swagger/i);
    const page = await fx.app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });
});

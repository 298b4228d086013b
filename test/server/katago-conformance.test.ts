// One scripted KataGo analysis-protocol conformance run, played against the three transports that share
// src/server/katago.ts: stdio (`tengen analysis`'s loop), HTTP NDJSON and WebSocket. Checks answers and their
// fields, errors, warnings, actions, reportDuringSearchEvery and terminate.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtpToPoint } from '../../src/go/coords.js';
import { serveKatagoStdio } from '../../src/server/katago-stdio.js';
import { modelsOf } from '../../src/server/katago.js';
import { makeApp, type Fixture } from './fixture.js';

type Line = Record<string, any>;

/** A transport under test: send one query object; every answer line lands in `lines`. */
interface Driver {
  name: string;
  send(q: object): void;
  lines: Line[];
  close(): Promise<void>;
}

let fx: Fixture;
beforeAll(async () => {
  fx = await makeApp();
});
afterAll(async () => fx?.close());

function stdioDriver(): Driver {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: Line[] = [];
  let buf = '';
  output.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  });
  const done = serveKatagoStdio(input, output, { engine: fx.engine, defaultMaxVisits: 1, maxMoves: 1000, maxTurns: 1001, models: () => modelsOf(fx.engine) });
  return {
    name: 'stdio',
    lines,
    send: (q) => input.write(JSON.stringify(q) + '\n'),
    async close() {
      input.end();
      await done;
    },
  };
}

// Real loopback HTTP, read as a stream: partial answers must arrive before the request ends.
async function httpDriver(): Promise<Driver> {
  const address = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  const lines: Line[] = [];
  const inflight: Promise<unknown>[] = [];
  return {
    name: 'http',
    lines,
    send: (q) => {
      inflight.push(
        (async () => {
          const res = await fetch(`${address}/v1/katago-analysis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(q) });
          const reader = res.body!.getReader();
          const dec = new TextDecoder();
          let buf = '';
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            buf += dec.decode(value, { stream: true });
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              lines.push(JSON.parse(buf.slice(0, nl)));
              buf = buf.slice(nl + 1);
            }
          }
        })(),
      );
    },
    async close() {
      await Promise.all(inflight);
    },
  };
}

async function wsDriver(): Promise<Driver> {
  const ws = await fx.app.injectWS('/v1/katago');
  const lines: Line[] = [];
  ws.on('message', (data: Buffer) => lines.push(JSON.parse(String(data))));
  return {
    name: 'websocket',
    lines,
    send: (q) => ws.send(JSON.stringify(q)),
    async close() {
      ws.terminate();
    },
  };
}

async function until(d: Driver, pred: (lines: Line[]) => boolean, what: string, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!pred(d.lines)) {
    if (Date.now() - t0 > ms) throw new Error(`${d.name}: timed out waiting for ${what}; got ${JSON.stringify(d.lines).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const finals = (lines: Line[], id: string) => lines.filter((l) => l.id === id && l.isDuringSearch === false);
const base = { rules: 'chinese', komi: 7.5, boardXSize: 19, boardYSize: 19 };

async function conformance(d: Driver): Promise<void> {
  // Actions.
  d.send({ id: 'v', action: 'query_version' });
  d.send({ id: 'm', action: 'query_models' });
  await until(d, (l) => l.some((x) => x.id === 'v') && l.some((x) => x.id === 'm'), 'action answers');
  expect(d.lines.find((x) => x.id === 'v')).toMatchObject({ action: 'query_version', version: expect.any(String), git_hash: '<omitted>' });
  expect(d.lines.find((x) => x.id === 'm')!.models[0]).toMatchObject({ name: fx.engine.model.id, usingFP16: false });

  // Errors: KataGo's illegal-move wording with the 0-based move index; bad fields named.
  d.send({ id: 'e1', moves: [['B', 'Q16'], ['W', 'Q16']], ...base });
  d.send({ id: 'e2', moves: [], ...base, komi: 7.3 });
  d.send({ id: 'e3', moves: [], ...base, avoidMoves: [{ player: 'B', moves: ['Z99'], untilDepth: 1 }] });
  await until(d, (l) => ['e1', 'e2', 'e3'].every((id) => l.some((x) => x.id === id)), 'errors');
  expect(d.lines.find((x) => x.id === 'e1')).toEqual({ error: 'Illegal move 1: Q16', field: 'moves', id: 'e1' });
  expect(d.lines.find((x) => x.id === 'e2')).toMatchObject({ field: 'komi', error: expect.any(String) });
  expect(d.lines.find((x) => x.id === 'e3')).toMatchObject({ field: 'avoidMoves', error: expect.stringContaining('Z99') });

  // A searched query: warnings for unused and unsupported fields first, then one final answer per turn.
  d.send({
    id: 'a',
    moves: [['B', 'Q16'], ['W', 'D4']],
    ...base,
    analyzeTurns: [1, 2],
    maxVisits: 24,
    includePolicy: true,
    includeOwnership: true,
    avoidMoves: [{ player: 'B', moves: ['D16', 'Q4'], untilDepth: 1 }],
    fooBar: 1,
    rootPolicyTemperature: 2,
  });
  await until(d, (l) => finals(l, 'a').length === 2, 'two final answers of "a"');
  const warnings = d.lines.filter((x) => x.id === 'a' && 'warning' in x);
  expect(warnings.map((w) => w.field).sort()).toEqual(['fooBar', 'rootPolicyTemperature']);
  expect(warnings.find((w) => w.field === 'fooBar')!.warning).toMatch(/^Unexpected or unused field/);
  const [t1, t2] = finals(d.lines, 'a').sort((x, y) => x.turnNumber - y.turnNumber);
  expect([t1!.turnNumber, t2!.turnNumber]).toEqual([1, 2]);
  expect(t1!.rootInfo.currentPlayer).toBe('W');
  expect(t2!.rootInfo.currentPlayer).toBe('B');
  for (const r of [t1!, t2!]) {
    expect(r.rootInfo.visits).toBe(24);
    expect(r.rootInfo.thisHash).toMatch(/^[0-9A-F]{16}$/);
    expect(r.policy).toHaveLength(362);
    expect(r.ownership).toHaveLength(361);
    expect(r.ownership.every((v: number) => v >= -1 && v <= 1)).toBe(true);
    // Black's view: Black's stone leans Black, White's leans White (lone stones on an open board are far from settled).
    expect(r.ownership[gtpToPoint('Q16')]).toBeGreaterThan(r.ownership[gtpToPoint('D4')]);
    for (const m of r.moveInfos) {
      expect(Object.keys(m).sort()).toEqual(['lcb', 'move', 'order', 'prior', 'pv', 'scoreLead', 'scoreMean', 'utility', 'utilityLcb', 'visits', 'winrate'].sort());
      expect(m.winrate).toBeGreaterThanOrEqual(0);
      expect(m.winrate).toBeLessThanOrEqual(1);
      expect(m.pv[0]).toBe(m.move);
    }
    expect(r.moveInfos.reduce((t: number, m: Line) => t + m.visits, 0)).toBe(23);
  }
  expect(t2!.moveInfos.map((m: Line) => m.move)).not.toContain('D16'); // avoided for Black at turn 2
  expect(t2!.moveInfos.map((m: Line) => m.move)).not.toContain('Q4');

  // includePVVisits: each moveInfo's pvVisits, one per pv move, the first its visits, never rising along the pv;
  // overrideSettings.analysisPVLen caps the pv. A non-boolean includePVVisits is an error naming the field.
  d.send({ id: 'pvv', moves: [['B', 'Q16']], ...base, maxVisits: 40, includePVVisits: true, overrideSettings: { analysisPVLen: 2 } });
  d.send({ id: 'pvv-bad', moves: [], ...base, includePVVisits: 'yes' });
  // This model has no ownership head: includeMovesOwnership gets one warning for the query, however many turns.
  d.send({ id: 'mo', moves: [['B', 'Q16']], ...base, analyzeTurns: [0, 1], maxVisits: 4, includeMovesOwnership: true });
  await until(d, (l) => finals(l, 'pvv').length === 1 && l.some((x) => x.id === 'pvv-bad') && finals(l, 'mo').length === 2, 'pvVisits answer');
  const moWarnings = d.lines.filter((x) => x.id === 'mo' && 'warning' in x);
  expect(moWarnings).toHaveLength(1);
  expect(moWarnings[0]).toMatchObject({ field: 'includeMovesOwnership', warning: expect.stringMatching(/needs a model with an ownership head/) });
  for (const r of finals(d.lines, 'mo')) for (const m of r.moveInfos) expect(m.ownership).toBeUndefined();
  expect(d.lines.find((x) => x.id === 'pvv-bad')).toMatchObject({ field: 'includePVVisits', error: expect.stringMatching(/includePVVisits.*boolean/) });
  expect(d.lines.filter((x) => x.id === 'pvv' && 'warning' in x)).toEqual([]);
  const pvv = finals(d.lines, 'pvv')[0]!;
  expect(Math.max(...pvv.moveInfos.map((m: Line) => m.pv.length))).toBe(2);
  for (const m of pvv.moveInfos) {
    expect(m.pvVisits).toHaveLength(m.pv.length);
    expect(m.pvVisits[0]).toBe(m.visits);
    for (let i = 1; i < m.pvVisits.length; i++) expect(m.pvVisits[i]).toBeLessThanOrEqual(m.pvVisits[i - 1]);
  }

  // Partial answers, then terminate: the final answer comes early with what was searched.
  d.send({ id: 'long', moves: [['B', 'Q16']], ...base, maxVisits: 1_000_000, reportDuringSearchEvery: 0.1 });
  await until(d, (l) => l.some((x) => x.id === 'long' && x.isDuringSearch === true), 'a partial answer');
  d.send({ id: 't', action: 'terminate', terminateId: 'long' });
  await until(d, (l) => finals(l, 'long').length === 1 && l.some((x) => x.id === 't'), 'terminated final answer', 120_000);
  expect(d.lines.find((x) => x.id === 't')).toEqual({ id: 't', action: 'terminate', terminateId: 'long' });
  const fin = finals(d.lines, 'long')[0]!;
  expect(fin.rootInfo.visits).toBeGreaterThan(0);
  expect(fin.rootInfo.visits).toBeLessThan(1_000_000);
  const partial = d.lines.find((x) => x.id === 'long' && x.isDuringSearch === true)!;
  expect(partial.rootInfo.visits).toBeLessThanOrEqual(fin.rootInfo.visits);

  // terminate_all reaches queries of any id.
  d.send({ id: 'long2', moves: [], ...base, maxVisits: 1_000_000, reportDuringSearchEvery: 0.1 });
  await until(d, (l) => l.some((x) => x.id === 'long2' && x.isDuringSearch === true), 'a partial answer of long2');
  d.send({ id: 'ta', action: 'terminate_all' });
  await until(d, (l) => finals(l, 'long2').length === 1, 'long2 terminated', 120_000);
}

describe('KataGo analysis protocol conformance', () => {
  it('stdio (tengen analysis)', async () => {
    const d = stdioDriver();
    await conformance(d);
    await d.close();
  });

  it('HTTP NDJSON', async () => {
    const d = await httpDriver();
    await conformance(d);
    await d.close();
  });

  it('WebSocket', async () => {
    const d = await wsDriver();
    await conformance(d);
    await d.close();
  });
});

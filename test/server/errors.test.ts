// Every bad request gets a 4xx application/problem+json answer naming the field, move or SGF line:column,
// and the service keeps answering correctly afterwards (fast-check corpus of bad bodies).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeApp, problemOf, type Fixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeApp({ bodyLimit: 4096, maxMoves: 50 });
});
afterAll(async () => fx?.close());

const raw = (url: string, payload: string, contentType = 'application/json') =>
  fx.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
const post = (url: string, payload: unknown) => raw(url, JSON.stringify(payload));

describe('problem answers', () => {
  it('malformed JSON → 400 naming the body', async () => {
    const p = problemOf(await raw('/v1/suggest', '{"moves": ["Q16",'));
    expect(p).toMatchObject({ status: 400, type: 'urn:tengen:problem:malformed-json', field: 'body' });
  });
  it('empty or blank JSON body → 400 saying it is empty', async () => {
    for (const body of ['', '  \n ']) {
      const p = problemOf(await raw('/v1/suggest', body));
      expect(p).toMatchObject({ status: 400, type: 'urn:tengen:problem:malformed-json', field: 'body' });
      expect(p.detail).toMatch(/empty/);
    }
  });
  it('wrong types → 400 naming the field path', async () => {
    expect(problemOf(await post('/v1/suggest', { moves: ['Q16', 7] }))).toMatchObject({ status: 400, field: 'moves[1]' });
    expect(problemOf(await post('/v1/suggest', { topK: 'ten' }))).toMatchObject({ status: 400, field: 'topK' });
    expect(problemOf(await post('/v1/suggest', { symmetries: 4 }))).toMatchObject({ status: 400, field: 'symmetries' });
    expect(problemOf(await post('/v1/suggest', { unknownField: 1 }))).toMatchObject({ status: 400 });
  });
  it('empty or over-long vertices → 400 naming the item, in moves, pairs and setup', async () => {
    const cases: [unknown, string, string][] = [
      [{ moves: ['Q16', ''] }, 'moves[1]', 'body.moves[1]: Too small: expected string to have >=1 characters'],
      [{ moves: ['Q16', 'D4', 'Q16xxxxxx'] }, 'moves[2]', 'body.moves[2]: Too big: expected string to have <=8 characters'],
      [{ moves: ['Q16', ['B', '']] }, 'moves[1][1]', 'body.moves[1][1]: Too small: expected string to have >=1 characters'],
      [{ setup: { white: ['D4', 'x'.repeat(9)] } }, 'setup.white[1]', 'body.setup.white[1]: Too big: expected string to have <=8 characters'],
    ];
    for (const [body, field, detail] of cases) expect(problemOf(await post('/v1/suggest', body))).toMatchObject({ status: 400, field, detail });
    // Exactly 8 characters passes the length check (and is then judged as a vertex).
    expect((await post('/v1/suggest', { moves: ['Q16', ' D4     '] })).statusCode).toBe(200);
  });
  it('occupied point → 422 with move number, vertex and reason', async () => {
    const p = problemOf(await post('/v1/suggest', { moves: ['Q16', 'D4', 'D4'] }));
    expect(p).toMatchObject({ status: 422, type: 'urn:tengen:problem:illegal-move', moveNumber: 3, vertex: 'D4', field: 'moves[2]', reason: 'occupied' });
    expect(p.detail).toBe('move 3 (B D4): point is occupied');
  });
  it('illegal move inside an SGF → 422 naming the move', async () => {
    const p = problemOf(await post('/v1/suggest', { sgf: '(;SZ[19];B[pd];W[dd];B[dd])' }));
    expect(p).toMatchObject({ status: 422, moveNumber: 3, vertex: 'D16' });
  });
  it('SGF syntax error → 400 with line and column', async () => {
    const p = problemOf(await post('/v1/analyze', { sgf: '(;SZ[19]\n;B[pd]\n;W[dd' }));
    expect(p).toMatchObject({ status: 400, type: 'urn:tengen:problem:sgf-syntax', field: 'sgf', line: 3 });
    expect(typeof p.column).toBe('number');
  });
  it('wrong board size → 422', async () => {
    expect(problemOf(await post('/v1/suggest', { sgf: '(;SZ[13];B[cc])' }))).toMatchObject({ status: 422, type: 'urn:tengen:problem:board-size' });
  });
  it('body over the size limit → 413', async () => {
    const p = problemOf(await post('/v1/suggest', { sgf: `(;SZ[19]C[${'x'.repeat(5000)}])` }));
    expect(p).toMatchObject({ status: 413, type: 'urn:tengen:problem:body-too-large' });
  });
  it('too many moves → 422 naming moves', async () => {
    const moves = Array.from({ length: 51 }, () => 'pass');
    expect(problemOf(await post('/v1/suggest', { moves }))).toMatchObject({ status: 422, field: 'moves' });
  });
  it('bad moveNumber, both sgf and moves, bad path → 4xx naming the field', async () => {
    expect(problemOf(await post('/v1/suggest', { sgf: '(;B[pd])', moveNumber: 5 }))).toMatchObject({ status: 422, field: 'moveNumber' });
    expect(problemOf(await post('/v1/suggest', { sgf: '(;B[pd])', moves: ['D4'] }))).toMatchObject({ status: 422, field: 'moves' });
    expect(problemOf(await post('/v1/suggest', { sgf: '(;B[pd])', path: [3] }))).toMatchObject({ status: 422, type: 'urn:tengen:problem:bad-path' });
    expect(problemOf(await post('/v1/suggest', { moves: ['Z9'] }))).toMatchObject({ status: 422, field: 'moves[0]' });
  });
  it('wrong media type → 415, unknown route → 404', async () => {
    expect(problemOf(await raw('/v1/suggest', 'moves=Q16', 'application/x-www-form-urlencoded'))).toMatchObject({ status: 415 });
    expect(problemOf(await fx.app.inject('/v2/nothing'))).toMatchObject({ status: 404 });
  });
});

// Values a confused or hostile client might send anywhere in a body.
const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 5 }),
  fc.constantFrom('Q16', 'pd', 'pass', 'I9', 'T20', '(;SZ[19];B[pd]', '(;SZ[9])', '((', '[]', 'tt', -1, 1e9, 361),
);
const badBody = fc.oneof(
  fc.record(
    {
      sgf: junk,
      moves: fc.oneof(junk, fc.array(junk, { maxLength: 6 })),
      moveNumber: junk,
      path: junk,
      topK: junk,
      symmetries: junk,
      toPlay: junk,
      setup: fc.oneof(junk, fc.record({ black: fc.array(junk, { maxLength: 3 }), white: junk }, { requiredKeys: [] })),
      komi: junk,
    },
    { requiredKeys: [] },
  ),
  fc.string({ maxLength: 30 }).map((s) => ({ __raw: s })),
);

describe('fuzzed bad bodies', () => {
  it('always answer 2xx or a 4xx problem, never 5xx, and the service keeps working', async () => {
    const routes = ['/v1/suggest', '/v1/analyze'];
    await fc.assert(
      fc.asyncProperty(badBody, fc.constantFrom(...routes), async (body, route) => {
        const payload = '__raw' in body ? String(body.__raw) : JSON.stringify(body);
        const res = await raw(route, payload);
        if (res.statusCode === 200) {
          // The generator sometimes builds an acceptable request (e.g. {} or {moves: ["Q16"]}): a real answer.
          expect('__raw' in body).toBe(false);
          expect(Array.isArray(res.json().moves)).toBe(true);
          return;
        }
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        const p = problemOf(res);
        expect(p.status).toBe(res.statusCode);
        expect(typeof p.detail).toBe('string');
        expect(String(p.detail).length).toBeGreaterThan(0);
      }),
      { numRuns: 200, seed: 20261127 },
    );
    const ok = await post('/v1/suggest', { moves: ['Q16'], topK: 1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().moves).toHaveLength(1);
    expect((await fx.app.inject('/readyz')).statusCode).toBe(200);
  });
});

// tengen analysis's queue: turns run highest priority first (ties in arrival order), and end of input waits for them.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveKatagoStdio } from '../../src/server/katago-stdio.js';
import { makeApp, type Fixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeApp();
});
afterAll(async () => fx?.close());

describe('tengen analysis queue', () => {
  it('runs queued turns by priority, then arrival, and answers everything before ending', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const done = serveKatagoStdio(input, output, { engine: fx.engine, defaultMaxVisits: 8, maxMoves: 100, maxTurns: 101, concurrency: 1, models: () => [] });
    const q = (id: string, extra: object = {}) => JSON.stringify({ id, moves: [['B', 'Q16']], rules: 'chinese', komi: 7.5, ...extra }) + '\n';
    // All lines arrive together: "first" starts at once, the rest wait in the queue.
    input.end(q('first') + q('low') + q('high', { priority: 5 }) + q('turns', { analyzeTurns: [0, 1], priorities: [1, 9] }));
    await done;
    const finals = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>).filter((o) => o.isDuringSearch === false);
    expect(finals.map((o) => `${o.id}@${o.turnNumber}`)).toEqual(['first@1', 'turns@1', 'high@1', 'turns@0', 'low@1']);
  });
});

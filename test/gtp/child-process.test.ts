// Tengen's GTP mode as a child process, driven by @sabaki/gtp's Controller (what Sabaki uses).
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { Board } from '../../src/go/board.js';
import { gtpToPoint } from '../../src/go/coords.js';
import { makeTinyModel } from '../engine/model-fixture.js';

// @sabaki/gtp is CommonJS without types: load it through require and type the part used here.
const { Controller } = createRequire(import.meta.url)('@sabaki/gtp') as { Controller: new (path: string, args: string[], opts?: object) => SabakiController };
interface SabakiController {
  start(): void;
  stop(timeout?: number): Promise<void>;
  kill(): void;
  process: { pid?: number; stderr: NodeJS.ReadableStream } | null;
  sendCommand(cmd: { id?: number; name: string; args?: string[] }, subscriber?: (e: { line: string }) => void): Promise<{ id: number | null; content: string; error: boolean }>;
}

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = path.join(root, 'bin/tengen.js');

/** Plays genmove for both sides until two passes; checks each move with a referee board. */
async function selfPlay(c: SabakiController, maxMoves: number): Promise<{ moves: number; passes: number; board: Board }> {
  const ref = new Board();
  let passes = 0;
  let moves = 0;
  while (passes < 2 && moves < maxMoves) {
    const color = ref.toPlay === 1 ? 'B' : 'W';
    const r = await c.sendCommand({ name: 'genmove', args: [color] });
    expect(r.error, r.content).toBe(false);
    const p = gtpToPoint(r.content);
    expect(ref.legality(p, ref.toPlay), `move ${moves + 1} ${color} ${r.content}`).toBeNull();
    ref.play(p, ref.toPlay);
    passes = r.content.toLowerCase() === 'pass' ? passes + 1 : 0;
    moves++;
  }
  return { moves, passes, board: ref };
}

describe('tengen gtp --fake-policy under the Sabaki controller', () => {
  let c: SabakiController;
  beforeAll(() => {
    c = new Controller(process.execPath, [bin, 'gtp', '--fake-policy'], { cwd: root });
    c.start();
  });
  afterAll(async () => {
    await c.stop(5000);
  });

  it('handshake, a full game to two passes, scoring and protocol errors', async () => {
    expect((await c.sendCommand({ name: 'protocol_version' })).content).toBe('2');
    expect((await c.sendCommand({ name: 'name' })).content).toBe('Tengen');
    const list = (await c.sendCommand({ name: 'list_commands' })).content.split('\n');
    expect(list).toContain('lz-analyze');
    for (const [name, args] of [['boardsize', ['19']], ['clear_board', []], ['komi', ['7.5']]] as const) {
      expect((await c.sendCommand({ name, args: [...args] })).error).toBe(false);
    }
    const g = await selfPlay(c, 900);
    expect(g.passes).toBe(2);
    const score = await c.sendCommand({ name: 'final_score' });
    expect(score.content).toBe(g.board.scoreString(7.5));
    const bad = await c.sendCommand({ name: 'play', args: ['B', 'Z1'] });
    expect(bad.error).toBe(true);
    expect((await c.sendCommand({ name: 'frobnicate' })).content).toBe('unknown command');
    expect((await c.sendCommand({ name: 'name' })).content).toBe('Tengen');
  });

  it('lz-analyze streams to a subscriber and stops on the next command', async () => {
    await c.sendCommand({ name: 'clear_board' });
    const lines: string[] = [];
    const pending = c.sendCommand({ name: 'lz-analyze', args: ['B', '10'] }, ({ line }) => lines.push(line));
    const t0 = Date.now();
    while (lines.filter((l) => l.startsWith('info ')).length < 2 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
    const next = c.sendCommand({ name: 'name' });
    const res = await pending;
    expect(res.error).toBe(false);
    expect(lines.filter((l) => l.startsWith('info move ')).length).toBeGreaterThanOrEqual(2);
    expect((await next).content).toBe('Tengen');
  });
});

/**
 * Starts `tengen gtp --model <a tiny random model> ...args` under the Sabaki controller for the enclosing describe;
 * `stderr` collects the engine's stderr.
 */
function gtpOnTinyModel(args: string[]): { c: () => SabakiController; stderr: () => string } {
  let model: { dir: string; cleanup: () => void } | undefined;
  let c: SabakiController | undefined;
  let stderr = '';
  beforeAll(async () => {
    model = await makeTinyModel();
    c = new Controller(process.execPath, [bin, 'gtp', '--model', model.dir, ...args], { cwd: root });
    c.start();
    c.process!.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  });
  afterAll(async () => {
    await c?.stop(5000);
    model?.cleanup();
  });
  return { c: () => c!, stderr: () => stderr };
}

describe('tengen gtp with a real (tiny, random) model', () => {
  const engine = gtpOnTinyModel(['--backend', 'cpu', '--symmetries', '8']);

  it('genmove, play and kata-analyze go through the Engine', async () => {
    const c = engine.c();
    expect((await c.sendCommand({ name: 'name' })).content).toBe('Tengen');
    const m1 = await c.sendCommand({ name: 'genmove', args: ['b'] });
    expect(m1.error, m1.content).toBe(false);
    expect(m1.content).toMatch(/^[A-T]\d+$/);
    expect((await c.sendCommand({ name: 'play', args: ['w', m1.content] })).content).toBe('illegal move');
    const lines: string[] = [];
    const pending = c.sendCommand({ name: 'kata-analyze', args: ['W', '20'] }, ({ line }) => lines.push(line));
    const t0 = Date.now();
    while (!lines.some((l) => l.startsWith('info ')) && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
    await c.sendCommand({ name: 'version' });
    await pending;
    const info = lines.find((l) => l.startsWith('info '))!;
    expect(info).toMatch(/^info move [A-T]\d+ visits \d+ utility 0 winrate 0\.500000 prior 0\.\d{6} /);
    expect(info).not.toContain(`move ${m1.content} `);
    const g = await selfPlay(c, 12);
    expect(g.moves).toBeGreaterThan(0);
  });
});

describe('tengen gtp --visits with a real (tiny, random) model', () => {
  const engine = gtpOnTinyModel(['--backend', 'cpu', '--visits', '24']);

  it('genmove searches through the Engine and lz-analyze reports search visits and a principal variation', async () => {
    const c = engine.c();
    const m1 = await c.sendCommand({ name: 'genmove', args: ['b'] });
    expect(m1.error, m1.content).toBe(false);
    expect(m1.content).toMatch(/^[A-T]\d+$/);
    const lines: string[] = [];
    const pending = c.sendCommand({ name: 'lz-analyze', args: ['W', '10'] }, ({ line }) => lines.push(line));
    const t0 = Date.now();
    while (lines.filter((l) => l.startsWith('info ')).length < 2 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
    await c.sendCommand({ name: 'name' });
    await pending;
    const info = lines.filter((l) => l.startsWith('info ')).at(-1)!;
    const visits = [...info.matchAll(/ visits (\d+) /g)].map((m) => Number(m[1]));
    expect(visits.reduce((a, b) => a + b, 0)).toBeGreaterThan(visits.length); // more than one visit per listed move: a search
    expect(info).toMatch(/ pv [A-T]\d+ [A-T]\d+/);
  });
});

describe('tengen gtp on its default runtime', () => {
  const engine = gtpOnTinyModel([]);

  it('plays without tfjs banners on stderr (ONNX Runtime reads the model through tfjs-backend-cpu on purpose)', async () => {
    const c = engine.c();
    const m = await c.sendCommand({ name: 'genmove', args: ['b'] });
    expect(m.error, m.content).toBe(false);
    expect(m.content).toMatch(/^([A-T]\d+|pass)$/i);
    await c.sendCommand({ name: 'quit' });
    expect(engine.stderr()).not.toMatch(/tfjs-node|Hi, looks like/);
  });
});

// GTP with a search: genmove budgets and resignation, analysis streaming real search results, dead-stone scoring.
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Board } from '../../src/go/board.js';
import { BLACK, NPOINTS, WHITE } from '../../src/go/constants.js';
import { gtpToPoint, pointOf } from '../../src/go/coords.js';
import { FakePolicy, type PolicySource } from '../../src/gtp/policy-source.js';
import { serveGtp } from '../../src/gtp/serve.js';
import { GtpSession, gtpVersion, type SearchSettings } from '../../src/gtp/session.js';

async function run(input: string, session: GtpSession): Promise<string> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const done = serveGtp(session, stdin, stdout);
  stdin.end(input);
  await done;
  return out;
}
const responses = (out: string): string[] => out.split('\n\n').filter((s) => s !== '');
const searching = (search: Partial<SearchSettings> = {}, source: PolicySource = new FakePolicy()) =>
  new GtpSession(source, { search: { visits: 64, ...search, params: { batchSize: 8, ...search.params } } });

function live(session: GtpSession) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const done = serveGtp(session, stdin, stdout);
  const until = async (pred: (o: string) => boolean, ms = 20_000): Promise<void> => {
    const t0 = Date.now();
    while (!pred(out)) {
      if (Date.now() - t0 > ms) throw new Error(`timeout; transcript so far: ${out.slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { stdin, done, until, get out() { return out; } };
}

interface Info { move: string; visits: number; winrate: number; prior: number; lcb: number; order: number; pv: string[] }
function parseLz(line: string): Info[] {
  return line.split(/(?=info move )/).map((g) => {
    const m = /^info move (\S+) visits (\d+) winrate (\d+) prior (\d+) lcb (\d+) order (\d+) pv (.+)$/.exec(g.trim());
    if (!m) throw new Error(`bad info group: ${g}`);
    return { move: m[1]!, visits: +m[2]!, winrate: +m[3]!, prior: +m[4]!, lcb: +m[5]!, order: +m[6]!, pv: m[7]!.trim().split(' ') };
  });
}

describe('GTP with search', () => {
  it('genmove searches and is reproducible for a seed', async () => {
    const script = 'genmove b\ngenmove w\ngenmove b\n';
    const a = responses(await run(script, searching()));
    const b = responses(await run(script, searching()));
    expect(a).toEqual(b);
    for (const r of a) expect(r).toMatch(/^= [A-T]\d+$/);
  });

  it('resigns when the best winrate is below the threshold, and never with threshold 0', async () => {
    const hopeless: PolicySource = {
      name: 'hopeless',
      policy: (board) => new FakePolicy().policy(board),
      evaluator: {
        hasValue: true,
        evaluate: (board: Board) => {
          const value = board.toPlay === BLACK ? 0.01 : 0.99; // read now: the search moves the board on after the call
          return new FakePolicy().policy(board).then((policy) => ({ policy, value }));
        },
      },
    };
    const s = searching({ resignThreshold: 0.1, resignMinVisits: 32 }, hopeless);
    expect(responses(await run('genmove b\nshowboard\n', s))[0]).toBe('= resign');
    expect(s.board.moveNumber).toBe(0);
    const never = searching({ resignThreshold: 0 }, hopeless);
    expect(responses(await run('genmove b\n', never))[0]).toMatch(/^= [A-T]\d+$/);
  });

  it('after the opponent passes, the search only fills dame, plays contested points or captures, or passes', async () => {
    // Black wall on column H, White wall on column L: columns J and K are dame. The network loves A1, inside Black's
    // own area, and sees every position alike, so without the rule the search plays A1 as policy play would not.
    const ownArea: PolicySource = {
      name: 'own-area',
      policy: async () => {
        const p = new Float32Array(NPOINTS).fill(0.1 / NPOINTS);
        p[gtpToPoint('A1')] = 0.9;
        return p;
      },
      evaluator: {
        hasValue: true,
        evaluate: async () => {
          const policy = new Float32Array(NPOINTS).fill(0.1 / NPOINTS);
          policy[gtpToPoint('A1')] = 0.9;
          return { policy, value: 0.3 };
        },
      },
    };
    const board = (s: GtpSession): void => {
      for (let y = 0; y < 19; y++) {
        s.board.setStone(pointOf(7, y), BLACK);
        s.board.setStone(pointOf(10, y), WHITE);
      }
    };
    const before = searching({}, ownArea);
    board(before);
    expect(responses(await run('genmove b\n', before))[0]).toBe('= A1'); // White has not passed: anything goes
    const after = searching({}, ownArea);
    board(after);
    const moves = responses(await run('play w pass\ngenmove b\n', after));
    expect(moves[1]).toMatch(/^= (J|K)\d+$/);
    // Nothing useful left (every empty point is one side's area): the search passes without searching.
    const settled = searching({}, ownArea);
    for (let y = 0; y < 19; y++) {
      settled.board.setStone(pointOf(8, y), BLACK);
      settled.board.setStone(pointOf(9, y), WHITE);
    }
    expect(responses(await run('play w pass\ngenmove b\n', settled))[1]).toBe('= pass');
  });

  it('time budget: --time caps, time_left in byo-yomi and main time shrink it', () => {
    const s = searching({ visits: 0, maxTimeSec: 5 });
    expect(s.searching).toBe(true);
    expect(s.moveTimeMs(BLACK)).toBe(5000);
    s.clock = { system: 'canadian', mainTime: 0, periodTime: 30, periodStones: 10, left: { [BLACK]: { time: 20, stones: 10 }, [WHITE]: null } as never };
    expect(s.moveTimeMs(BLACK)).toBeCloseTo(20_000 * 0.85 / 10 - 150, 6);
    s.clock.left[BLACK] = { time: 600, stones: 0 };
    expect(s.moveTimeMs(BLACK)).toBeCloseTo(600_000 / 150, 6); // move 0: spread over (300 − 0) / 2 moves
    s.clock = { system: 'byoyomi', mainTime: 0, periodTime: 4, periodStones: 5, left: { [BLACK]: { time: 4, stones: 5 }, [WHITE]: null } as never };
    expect(s.moveTimeMs(BLACK)).toBeCloseTo(4_000 * 0.85 - 150, 6); // each byo-yomi period is one move
    expect(searching({ visits: 0 }).searching).toBe(false);
  });

  it('lz-analyze streams growing search results with real pv, until the next command', async () => {
    const g = live(searching());
    g.stdin.write('play b Q16\nplay w D4\n7 lz-analyze b 5\n');
    await g.until((o) => o.split('\ninfo ').length >= 4);
    g.stdin.write('8 name\n');
    g.stdin.end();
    await g.done;
    const stream = responses(g.out)[2]!.split('\n');
    expect(stream[0]).toBe('=7');
    const lines = stream.slice(1).map(parseLz);
    const total = (l: Info[]) => l.reduce((t, m) => t + m.visits, 0);
    expect(total(lines[lines.length - 1]!)).toBeGreaterThan(total(lines[0]!));
    const last = lines[lines.length - 1]!;
    last.forEach((m, i) => expect(m.order).toBe(i));
    for (let i = 1; i < last.length; i++) expect(last[i]!.visits).toBeLessThanOrEqual(last[i - 1]!.visits);
    expect(last.some((m) => m.pv.length > 1)).toBe(true);
    expect(last.map((m) => m.move)).not.toContain('Q16');
    expect(responses(g.out)[3]).toBe('=8 Tengen');
  });

  it('honours avoid, allow and minmoves', async () => {
    const g = live(searching());
    g.stdin.write('lz-analyze b 5 avoid b q16,d4,q4,d16 1 minmoves 3\n');
    await g.until((o) => o.split('\ninfo ').length >= 3);
    g.stdin.write('kata-analyze b 5 allow b k10,k11 1\n');
    await g.until((o) => (o.split('\n\n')[1] ?? '').split('\ninfo ').length >= 3);
    g.stdin.write('name\n');
    g.stdin.end();
    await g.done;
    const [avoided, allowed] = responses(g.out);
    const la = avoided!.split('\n').slice(1).map(parseLz).at(-1)!;
    expect(la.length).toBeGreaterThanOrEqual(3);
    for (const m of la) expect(['Q16', 'D4', 'Q4', 'D16']).not.toContain(m.move);
    const kata = allowed!.split('\n').at(-1)!;
    const moves = [...kata.matchAll(/info move (\S+) visits (\d+) utility (-?[\d.]+) winrate ([\d.]+)/g)].map((m) => m[1]);
    expect(new Set(moves)).toEqual(new Set(['K10', 'K11']));
  });

  it('kata-analyze ownership true ends each line with the network\'s ownership (side to move\'s view), else playouts', async () => {
    const fake = new FakePolicy();
    // A model with an ownership head: the evaluator's ownership is +1 on the left half, −1 on the right, side to move's view.
    const own = new Float32Array(NPOINTS).map((_, p) => (p % 19 < 9 ? 1 : p % 19 > 9 ? -1 : 0.5));
    const withHead: PolicySource = {
      name: 'owner',
      policy: (b: Board) => fake.policy(b),
      evaluator: { hasValue: true, evaluate: async (b: Board) => ({ policy: await fake.policy(b), value: 0.5, ownership: own }) },
    };
    const ownershipOf = (line: string): number[] => {
      const m = / ownership ((?:\S+ ?){361})$/.exec(line);
      if (!m) throw new Error(`no ownership group at the end of: ${line.slice(0, 200)}`);
      return m[1]!.trim().split(' ').map(Number);
    };
    for (const session of [searching({}, withHead), searching()]) {
      const g = live(session);
      g.stdin.write('play b d4\nplay w q16\nkata-analyze w 5 ownership true\n');
      await g.until((o) => (o.split('\n\n')[2] ?? '').split('\ninfo ').length >= 2);
      g.stdin.write('name\n');
      g.stdin.end();
      await g.done;
      const line = responses(g.out)[2]!.split('\n').at(-1)!;
      expect(line).toMatch(/^info move /);
      const values = ownershipOf(line);
      expect(values.length).toBe(NPOINTS);
      for (const v of values) expect(Math.abs(v)).toBeLessThanOrEqual(1);
      if (session.source === withHead) expect(values).toEqual(Array.from(own));
    }
  });

  it('genmove stops early once its choice is decided (default), and plays what the full budget plays', async () => {
    const first: { move: string; rootVisits: number; stoppedEarly: boolean }[] = [];
    for (const earlyStop of [true, false]) {
      const logs: { move: string; rootVisits: number; stoppedEarly: boolean }[] = [];
      const logger = { debug: (o: never, m: string) => void (m === 'search' && logs.push(o)), info() {}, warn() {}, error() {} };
      const s = new GtpSession(new FakePolicy(), { search: { visits: 1500, earlyStop, params: { batchSize: 8 } }, logger: logger as never });
      await s.generate(BLACK);
      first.push(logs[0]!);
    }
    const [on, off] = first;
    expect(on!.stoppedEarly).toBe(true);
    expect(on!.rootVisits).toBeLessThan(1500);
    expect(off!.stoppedEarly).toBe(false);
    expect(off!.rootVisits).toBe(1500);
    expect(on!.move).toBe(off!.move);
  });

  it('kata-analyze pvVisits true follows each pv with the visits of each position on it', async () => {
    const g = live(searching({ visits: 0 }));
    g.stdin.write('play b d4\nkata-analyze w 5 pvVisits true\n');
    await g.until((o) => (o.split('\n\n')[1] ?? '').split('\ninfo ').length >= 3);
    g.stdin.write('name\n');
    g.stdin.end();
    await g.done;
    const line = responses(g.out)[1]!.split('\n').at(-1)!;
    const groups = line.split(/(?=info move )/);
    expect(groups.length).toBeGreaterThan(1);
    let deep = 0;
    for (const grp of groups) {
      const m = /^info move (\S+) visits (\d+) .* pv ((?:[A-T]\d+ ?|pass ?)+) pvVisits ((?:\d+ ?)+)$/.exec(grp.trim());
      if (!m) throw new Error(`no pv … pvVisits … in: ${grp}`);
      const pv = m[3]!.trim().split(' ');
      const visits = m[4]!.trim().split(' ').map(Number);
      expect(pv[0]).toBe(m[1]);
      expect(visits).toHaveLength(pv.length);
      expect(visits[0]).toBe(Number(m[2]));
      for (let i = 1; i < visits.length; i++) expect(visits[i]).toBeLessThanOrEqual(visits[i - 1]!);
      if (pv.length > 1) deep++;
    }
    expect(deep).toBeGreaterThan(0);
  });

  it('kata-genmove_analyze plays the move its last analysis line ranks first', async () => {
    const s = searching();
    const out = responses(await run('3 kata-genmove_analyze b 5\n', s))[0]!.split('\n');
    expect(out[0]).toBe('=3');
    const play = out.at(-1)!;
    expect(play).toMatch(/^play [A-T]\d+$/);
    const lastInfo = out.at(-2)!;
    expect(/^info move (\S+)/.exec(lastInfo)![1]).toBe(play.slice(5));
    expect(s.board.moveNumber).toBe(1);
  });

  it('final_score and final_status_list remove dead stones in a real finished game (Tromp-Taylor would not)', async () => {
    // Level-10 game 1 of the shipped match: the GnuGo referee scored it W+48.5, a bare Tromp-Taylor count says B+17.5.
    const sgf = path.resolve('models/matches/gnugo-level10/game-001.sgf');
    const s = searching();
    const [loaded, dead, score, alive] = responses(await run(`loadsgf ${sgf}\nfinal_status_list dead\nfinal_score\nfinal_status_list alive\n`, s));
    expect(loaded).toMatch(/^= (black|white)$/);
    expect(score).toBe('= W+48.5');
    const deadStones = dead!.slice(2).split(' ');
    expect(deadStones.length).toBeGreaterThan(5);
    const aliveStones = alive!.slice(2).split(' ');
    expect(deadStones.length + aliveStones.length).toBe(s.board.stoneCount(BLACK) + s.board.stoneCount(WHITE));
    expect(s.board.scoreString(7.5)).toBe('B+17.5'); // scoring did not touch the board
  });

  it('version passes Lizzie\'s Leela Zero 0.15+ check and still says it is Tengen', () => {
    const v = gtpVersion('0.1.0');
    const minor = Number.parseInt(v.split(' ')[0]!.split('.')[1]!, 10); // Lizzie: params[1].split("\\.")[1]
    expect(minor).toBeGreaterThanOrEqual(15);
    expect(v).toContain('Tengen 0.1.0');
    expect(NPOINTS).toBe(361);
  });
});

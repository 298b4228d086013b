import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { BLACK, NPOINTS, PASS, WHITE } from '../../src/go/constants.js';
import { gtpToPoint, pointToGtp } from '../../src/go/coords.js';
import { Random } from '../../src/random.js';
import { Search, type MoveFilter } from '../../src/search/search.js';
import { MaterialEvaluator } from './fakes.js';

const pt = gtpToPoint;

/** A middle-game-like position: a few stones of each colour, White's D4 stone in atari (Black captures at E4). */
function atariPosition(): Board {
  const b = new Board();
  for (const v of ['C4', 'D5', 'D3', 'Q16', 'Q4']) b.setStone(pt(v), BLACK);
  for (const v of ['D4', 'R16', 'C16']) b.setStone(pt(v), WHITE);
  b.toPlay = BLACK;
  return b;
}

function summary(s: Search): string {
  return s.analysis({ maxMoves: 8 }).map((m) => `${pointToGtp(m.move)}:${m.visits}:${m.winrate.toFixed(6)}:${m.pv.map(pointToGtp).join('-')}`).join(' ');
}

describe('PUCT search', () => {
  it('stops at exactly maxVisits and reports a real tree', async () => {
    const s = new Search(new MaterialEvaluator(), { batchSize: 8 });
    s.setRoot(atariPosition(), 7.5);
    const st = await s.run({ maxVisits: 200 });
    expect(s.rootVisits).toBe(200);
    expect(st.evaluations).toBeGreaterThan(100);
    const a = s.analysis();
    expect(a.reduce((t, m) => t + m.visits, 0)).toBe(199); // the root's own evaluation is the 200th visit
    expect(a[0]!.pv.length).toBeGreaterThan(1);
  });

  it('stopWhenDecided: stops once the most visited move cannot be overtaken, and plays what the full budget plays', async () => {
    const lure = new Map([[pt('K10'), 10_000]]); // one move with ~97% of the prior: the choice is clear early
    const full = new Search(new MaterialEvaluator(lure), { batchSize: 8 });
    full.setRoot(atariPosition(), 7.5);
    const fst = await full.run({ maxVisits: 2000 });
    expect(fst.stoppedEarly).toBe(false);
    const early = new Search(new MaterialEvaluator(lure), { batchSize: 8 });
    early.setRoot(atariPosition(), 7.5);
    const est = await early.run({ maxVisits: 2000, stopWhenDecided: true });
    expect(est.stoppedEarly).toBe(true);
    expect(early.rootVisits).toBeLessThan(2000);
    expect(early.bestMove().move).toBe(full.bestMove().move);
    // The rule it stopped by: the leader's margin exceeds the visits the limit still allowed.
    const [a, b] = early.analysis({ minMoves: 2 });
    expect(a!.visits - b!.visits).toBeGreaterThan(2000 - early.rootVisits);
    // A time limit: the same rule with the run's playout rate; it stops before the deadline.
    const timed = new Search(new MaterialEvaluator(lure), { batchSize: 8 });
    timed.setRoot(atariPosition(), 7.5);
    const tst = await timed.run({ maxTimeMs: 1500, stopWhenDecided: true });
    expect(tst.stoppedEarly).toBe(true);
    expect(tst.ms).toBeLessThan(1500);
    expect(pointToGtp(timed.bestMove().move)).toBe('K10');
  });

  it('stopWhenDecided never stops a search with no visit, playout or time limit (analysis until told)', async () => {
    const s = new Search(new MaterialEvaluator(new Map([[pt('K10'), 10_000]])), { batchSize: 8 });
    s.setRoot(atariPosition(), 7.5);
    let rounds = 0;
    const st = await s.run({ shouldStop: () => ++rounds > 60, stopWhenDecided: true });
    expect(st.stoppedEarly).toBe(false);
    expect(st.rounds).toBe(60);
  });

  it('finds the capture that the policy ranks low (E4 takes D4)', async () => {
    // The "policy" prefers K10 and Q10 by far; the capture gets a small prior, as a real network might give it.
    const ev = new MaterialEvaluator(new Map([[pt('K10'), 60], [pt('Q10'), 40], [pt('E4'), 8]]));
    const s = new Search(ev, { batchSize: 8 });
    s.setRoot(atariPosition(), 7.5);
    await s.run({ maxVisits: 1500 });
    expect(s.rootPriors()[pt('E4')]).toBeLessThan(s.rootPriors()[pt('K10')]! / 5);
    expect(pointToGtp(s.bestMove().move)).toBe('E4');
  });

  it('is deterministic for a seed and a visit limit, whatever the evaluation timing', async () => {
    const results: string[] = [];
    for (const seed of [11, 22]) {
      const rng = new Random(seed);
      const ev = new MaterialEvaluator(new Map([[pt('K10'), 20]]), () => rng.nextInt(3)); // 0–2 ms random delays
      const s = new Search(ev, { batchSize: 8, seed: 5 });
      s.setRoot(atariPosition(), 7.5);
      await s.run({ maxVisits: 300 });
      results.push(summary(s));
    }
    expect(results[0]).toBe(results[1]);
    expect(results[0]!.length).toBeGreaterThan(20);
  });

  it('batches: each round submits batchSize leaves in one synchronous stretch', async () => {
    const ev = new MaterialEvaluator();
    const s = new Search(ev, { batchSize: 16 });
    s.setRoot(atariPosition(), 7.5);
    const st = await s.run({ maxVisits: 321 });
    expect(ev.maxBurst).toBe(16);
    expect(st.evaluations / st.rounds).toBeGreaterThan(10);
  });

  it('honours avoid and allow filters at the root', async () => {
    const avoid = new Uint8Array(NPOINTS + 1);
    avoid[pt('E4')] = 1;
    const s = new Search(new MaterialEvaluator(), { batchSize: 8 });
    s.setRoot(atariPosition(), 7.5);
    const filters: MoveFilter[] = [{ color: BLACK, moves: avoid, allow: false, untilDepth: 1 }];
    await s.run({ maxVisits: 300, filters });
    expect(s.analysis().map((m) => m.move)).not.toContain(pt('E4'));
    expect(s.bestMove().move).not.toBe(pt('E4'));

    const allow = new Uint8Array(NPOINTS + 1);
    allow[pt('K10')] = 1;
    allow[pt('K11')] = 1;
    const s2 = new Search(new MaterialEvaluator(), { batchSize: 8 });
    s2.setRoot(atariPosition(), 7.5);
    await s2.run({ maxVisits: 100, filters: [{ color: BLACK, moves: allow, allow: true, untilDepth: 1 }] });
    expect(new Set(s2.analysis().map((m) => pointToGtp(m.move)))).toEqual(new Set(['K10', 'K11']));
  });

  it('reuses the subtree of the moves played since the last search', async () => {
    const s = new Search(new MaterialEvaluator(), { batchSize: 8 });
    const b = atariPosition();
    s.setRoot(b, 7.5);
    await s.run({ maxVisits: 400 });
    const best = s.bestMove().move;
    const a = s.analysis();
    const child = a.find((m) => m.move === best)!;
    const reply = child.pv[1]!;
    b.play(best);
    b.play(reply);
    const kept = s.setRoot(b, 7.5);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(child.visits);
    await s.run({ maxVisits: kept + 50 });
    expect(s.rootVisits).toBe(kept + 50);
    // A different komi is a different game: nothing is kept.
    expect(s.setRoot(b, 0.5)).toBe(0);
  });

  it('passes when every remaining move would fill its own eye', async () => {
    // Black owns the whole board except single-point eyes; White has no stones: only pass is sensible.
    const b = new Board();
    for (let p = 0; p < NPOINTS; p++) {
      const x = p % 19, y = Math.floor(p / 19);
      if ((x % 3 === 1 && y % 3 === 1)) continue;
      b.setStone(p, BLACK);
    }
    b.toPlay = BLACK;
    const s = new Search(new MaterialEvaluator(), { batchSize: 4 });
    s.setRoot(b, 7.5);
    await s.run({ maxVisits: 20 });
    expect(s.bestMove().move).toBe(PASS);
  });

  it('values a finished game by its score: after White passes, Black ahead passes too', async () => {
    // Left 10 columns Black, right 9 columns White, each with eyes; Black leads by 19 − 7.5.
    const b = new Board();
    for (let y = 0; y < 19; y++) {
      for (let x = 0; x < 19; x++) {
        if ((x === 3 || x === 14) && (y === 3 || y === 15)) continue; // eyes
        b.setStone(y * 19 + x, x < 10 ? BLACK : WHITE);
      }
    }
    b.toPlay = WHITE;
    b.play(PASS);
    const s = new Search(new MaterialEvaluator(), { batchSize: 4 });
    s.setRoot(b, 7.5);
    await s.run({ maxVisits: 50 });
    const best = s.bestMove();
    expect(best.move).toBe(PASS);
    expect(best.winrate).toBeGreaterThan(0.9);
  });
});

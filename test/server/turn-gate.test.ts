// The TurnGate bounds the KataGo turns searching at once across queries (each holds boards and a tree while it waits
// for the engine); waiting turns keep their order and every turn is still answered exactly once.
import { describe, expect, it } from 'vitest';
import { NPOINTS } from '../../src/go/constants.js';
import type { Engine } from '../../src/engine/index.js';
import { analyzeQuery, parseQuery, TurnGate, type ParsedQuery } from '../../src/server/katago.js';
import type { Evaluator } from '../../src/search/evaluator.js';

describe('TurnGate', () => {
  it('admits up to max at once, then hands each released permit to the longest waiter', async () => {
    const g = new TurnGate(2);
    const order: number[] = [];
    await g.acquire();
    await g.acquire();
    const waiters = [3, 4, 5].map((k) => g.acquire().then(() => order.push(k)));
    expect(g.stats).toEqual({ active: 2, waiting: 3 });
    g.release();
    await Promise.resolve();
    expect(order).toEqual([3]);
    g.release();
    g.release();
    await Promise.all(waiters);
    expect(order).toEqual([3, 4, 5]);
    expect(g.stats).toEqual({ active: 2, waiting: 0 });
    g.release();
    g.release();
    expect(g.stats).toEqual({ active: 0, waiting: 0 });
    expect(() => new TurnGate(0)).toThrow(/max must be a positive integer, got 0/);
  });

  it('three queries sharing a gate of 2: never more than 2 turns evaluating, every turn answered once, in order per query', async () => {
    let evaluating = 0;
    let peak = 0;
    const flat = new Float32Array(NPOINTS).fill(1 / NPOINTS);
    const evaluator: Evaluator = {
      hasValue: true,
      evaluate: async () => {
        evaluating++;
        peak = Math.max(peak, evaluating);
        await new Promise((r) => setTimeout(r, 5));
        evaluating--;
        return { policy: flat, value: 0.5 };
      },
    };
    const gate = new TurnGate(2);
    const answers = new Map<string, number[]>();
    const queries = ['a', 'b', 'c'].map((id) => {
      const q = parseQuery({ id, moves: [['B', 'Q16'], ['W', 'D4'], ['B', 'Q3'], ['W', 'D16']], rules: 'chinese', komi: 7.5, boardXSize: 19, boardYSize: 19, analyzeTurns: [4, 0, 2, 1, 3], maxVisits: 1 }, 100);
      if ('error' in q) throw new Error(String(q.error));
      return q as ParsedQuery;
    });
    await Promise.all(
      queries.map((q) =>
        analyzeQuery({} as Engine, q, (obj) => {
          if (typeof obj.turnNumber === 'number') answers.set(q.id, [...(answers.get(q.id) ?? []), obj.turnNumber]);
        }, { evaluator, gate }),
      ),
    );
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBe(2);
    for (const id of ['a', 'b', 'c']) expect(answers.get(id)).toEqual([4, 0, 2, 1, 3]);
    expect(gate.stats).toEqual({ active: 0, waiting: 0 });
  });
});

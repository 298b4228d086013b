// The search on real tactical positions (test/search/tactics.ts: atari escapes, captures and ladders from tom9d/dev
// games): on positions whose 9-dan move the raw policy does not rank first, the search with a value head finds it.
// Needs a model with a value head: TENGEN_VALUE_MODEL, else the first folder under models/ whose tengen.json has one;
// skipped (with the reason) when there is none.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/index.js';
import { NPOINTS } from '../../src/go/constants.js';
import { pointToGtp } from '../../src/go/coords.js';
import { evaluatorFrom } from '../../src/search/evaluator.js';
import { Search } from '../../src/search/search.js';
import { DEV_DIR, tacticalPositions } from './tactics.js';

function valueModel(): string | null {
  if (process.env.TENGEN_VALUE_MODEL) return process.env.TENGEN_VALUE_MODEL;
  if (!existsSync('models')) return null;
  for (const d of readdirSync('models').sort()) {
    const meta = path.join('models', d, 'tengen.json');
    if (existsSync(meta) && (JSON.parse(readFileSync(meta, 'utf8')) as { architecture?: { valueHead?: unknown } }).architecture?.valueHead) return path.join('models', d);
  }
  return null;
}

const modelDir = valueModel();
const why = modelDir === null ? 'no model with a value head (set TENGEN_VALUE_MODEL)' : !existsSync(DEV_DIR) ? `${DEV_DIR} is missing` : '';
if (why) console.warn(`search tactics test skipped: ${why}`);

describe.skipIf(why !== '')('search on tactical positions from real games', () => {
  it('finds the 9-dan move the raw policy misses', async () => {
    const engine = await Engine.load({ modelDir: modelDir!, maxBatch: 64, maxWaitMs: 0 });
    try {
      const evaluator = evaluatorFrom(engine);
      expect(evaluator.hasValue).toBe(true);
      const positions = tacticalPositions(2000);
      const rows: string[] = [];
      let missed = 0;
      let found = 0;
      for (const c of positions) {
        if (missed >= 12) break;
        const pol = await engine.policy(c.board);
        let top = 0;
        for (let p = 1; p < NPOINTS; p++) if (pol[p]! > pol[top]!) top = p;
        if (top === c.move) continue;
        missed++;
        const s = new Search(evaluator, { batchSize: 16 });
        s.setRoot(c.board, c.komi);
        await s.run({ maxVisits: 800 });
        const best = s.bestMove().move;
        if (best === c.move) found++;
        rows.push(`${c.source} ${c.kind}: 9-dan ${pointToGtp(c.move)}, policy ${pointToGtp(top)}, search ${pointToGtp(best)}`);
      }
      console.log(rows.join('\n'));
      expect(missed).toBeGreaterThan(0);
      expect(found, rows.join('\n')).toBeGreaterThanOrEqual(MIN_FOUND);
    } finally {
      await engine.close();
    }
  }, 900_000);
});

// The raw policy finds none of these positions' moves by construction; the search must find at least one of twelve.
// Not yet calibrated against a trained value head (none existed when this was written): raise it once one is measured.
const MIN_FOUND = 1;

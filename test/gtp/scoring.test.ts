// final_score against the GnuGo referee on the real games of the shipped matches (models/matches): every game
// that ended by two passes, scored by Tengen's Monte-Carlo dead-stone removal, must name the referee's winner.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { positionFromRecord, recordFromSgf } from '../../src/engine/position.js';
import { seededUniform } from '../../src/random.js';
import { finalScore } from '../../src/search/estimate.js';

const DIRS = ['models/matches/gnugo-level1', 'models/matches/gnugo-level10'];

describe('final_score vs the GnuGo referee', () => {
  it('names the referee winner of every game that ended by two passes', () => {
    const rows: { game: string; referee: string; tengen: string; tromp: string }[] = [];
    for (const dir of DIRS) {
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.sgf')).sort()) {
        const text = readFileSync(path.join(dir, f), 'utf8');
        if (!/score: two passes; referee/.test(text)) continue;
        const rec = recordFromSgf(text);
        const board = positionFromRecord(rec);
        const komi = rec.komi ?? 7.5;
        rows.push({ game: `${dir}/${f}`, referee: /RE\[([^\]]*)\]/.exec(text)![1]!, tengen: finalScore(board, komi, seededUniform(1), 64).text, tromp: board.scoreString(komi) });
      }
    }
    expect(rows.length).toBeGreaterThanOrEqual(30);
    const wrong = rows.filter((r) => r.tengen[0] !== r.referee[0]);
    expect(wrong, JSON.stringify(wrong)).toEqual([]);
    // The bare Tromp-Taylor count is what Tengen answered before: wrong in many of these games.
    expect(rows.filter((r) => r.tromp[0] !== r.referee[0]).length).toBeGreaterThan(rows.length / 4);
  });
});

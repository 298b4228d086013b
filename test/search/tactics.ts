// Tactical positions taken from real 9-dan games (tom9d/dev), not invented: positions where the move the 9-dan
// played is an atari escape (it saves an own chain of 3+ stones that stands in atari), a capture of 2+ stones, or
// a ladder capture/escape as src/features/ladder.ts reads it. Shared by the tactics test and its report script.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Board } from '../../src/go/board.js';
import { EMPTY, NPOINTS, PASS } from '../../src/go/constants.js';
import { NEIGHBOURS } from '../../src/go/coords.js';
import { positionFromRecord } from '../../src/engine/position.js';
import { ladderCapture, ladderEscape } from '../../src/features/ladder.js';
import { parseSgf, toGameRecord } from '../../src/sgf/index.js';

export interface TacticalPosition {
  /** `file#game@move`: where the position comes from. */
  source: string;
  board: Board;
  komi: number;
  /** The 9-dan's move. */
  move: number;
  kind: 'atari-escape' | 'capture' | 'ladder';
}

export const DEV_DIR = path.resolve('../shared/data/tom9d/dev');

function kindOf(b: Board, p: number): TacticalPosition['kind'] | null {
  const me = b.toPlay;
  if (b.colorAt(p) !== EMPTY || !b.isLegal(p)) return null;
  if (b.captureCountIfPlayed(p, me) >= 2) return 'capture';
  for (let k = 0; k < 4; k++) {
    const n = NEIGHBOURS[p * 4 + k]!;
    if (n >= 0 && b.colorAt(n) === me && b.liberties(n) === 1 && b.chainSize(n) >= 3 && b.libertiesAfterPlay(p, me) >= 3) return 'atari-escape';
  }
  if (ladderCapture(b, p, me) || ladderEscape(b, p, me)) return 'ladder';
  return null;
}

/** Up to `limit` tactical positions from the dev games, in file/game/move order (deterministic). */
export function tacticalPositions(limit: number, files = readdirSync(DEV_DIR).filter((f) => f.endsWith('.sgf.gz')).sort()): TacticalPosition[] {
  const out: TacticalPosition[] = [];
  for (const f of files) {
    const { games } = parseSgf(gunzipSync(readFileSync(path.join(DEV_DIR, f))).toString('utf8'));
    for (let g = 0; g < games.length; g++) {
      let rec;
      try {
        rec = toGameRecord(games[g]!);
      } catch {
        continue;
      }
      if (rec.setup.black.length + rec.setup.white.length > 0 || rec.moves.length < 60) continue;
      for (let m = 20; m < rec.moves.length - 1; m++) {
        const mv = rec.moves[m]!;
        if (mv.point === PASS || mv.point >= NPOINTS) continue;
        const b = positionFromRecord(rec, m);
        const kind = kindOf(b, mv.point);
        if (kind === null) continue;
        out.push({ source: `${f}#${g}@${m + 1}`, board: b, komi: rec.komi ?? 7.5, move: mv.point, kind });
        if (out.length >= limit) return out;
        m += 10; // one position per fight
      }
    }
  }
  return out;
}

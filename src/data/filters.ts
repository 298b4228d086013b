// Which games go into a dataset, and their packing into entries. Checks run in a fixed order and a dropped game is
// counted once, under the first reason that applies:
//   wrong_size (SZ ≠ 19, from toGameRecord) → handicap_or_setup (HA > 0 or root AB/AW/AE, unless allowHandicap)
//   → setup_in_game (AB/AW/AE after the root: always dropped, the loader replays moves only) → too_short
//   → illegal_move:non_alternating → illegal_move:<occupied|suicide|ko|superko|offboard> → (in build.ts) duplicate.
// Non-alternating games are dropped, not repaired: two moves of one colour in a row are almost always a damaged
// record (a lost move or a stray trailing one), and the features are computed for "the side to move", which such a
// record does not define. Without setup stones Black must move first; after setup stones the first mover is PL[]
// if given, otherwise whoever moves first.
import { Board, IllegalMoveError } from '../go/board.js';
import { BLACK, EMPTY, PASS, WHITE, opponent, type Player } from '../go/constants.js';
import type { GameRecord } from '../sgf/index.js';
import { packEntry, type BuildOptions } from './format.js';

/** Reusable per-game buffer: the packed entries of the last game that passed checkGame. */
export class GameScratch {
  entries = new Uint16Array(1024);
  setupCount = 0;
  moveCount = 0;
  /** Moves on the board (passes excluded). */
  labelled = 0;

  ensure(n: number): void {
    if (n > this.entries.length) this.entries = new Uint16Array(Math.max(n, this.entries.length * 2));
  }
}

/**
 * Checks one game against the filters and replays it on `board` (reset first). Returns the drop reason, or null
 * and fills `scratch` with the packed setup stones and moves.
 */
export function checkGame(rec: GameRecord, opts: BuildOptions, board: Board, scratch: GameScratch): string | null {
  if (rec.size !== 19) return 'wrong_size';
  const setup = rec.setup;
  const nSetup = setup.black.length + setup.white.length + setup.empty.length;
  if ((rec.handicap > 0 || nSetup > 0) && !opts.allowHandicap) return 'handicap_or_setup';
  if (rec.laterSetup.length > 0) return 'setup_in_game';
  const moves = rec.moves;
  if (moves.length < opts.minMoves) return 'too_short';

  let expected: Player = BLACK;
  if (nSetup > 0 && moves.length > 0) expected = rec.initialPlayer ?? moves[0].color;
  for (let i = 0; i < moves.length; i++) {
    if (moves[i].color !== expected) return 'illegal_move:non_alternating';
    expected = opponent(expected);
  }

  scratch.ensure(nSetup + moves.length);
  const out = scratch.entries;
  let n = 0;
  board.reset();
  try {
    for (const [list, color] of [
      [setup.black, BLACK],
      [setup.white, WHITE],
      [setup.empty, EMPTY],
    ] as const) {
      for (const p of list) {
        board.setStone(p, color);
        out[n++] = packEntry(p, color, true);
      }
    }
  } catch {
    return 'bad_setup';
  }
  if (moves.length > 0) board.toPlay = moves[0].color;
  let labelled = 0;
  for (let i = 0; i < moves.length; i++) {
    const { color, point } = moves[i];
    try {
      board.play(point, color);
    } catch (err) {
      if (err instanceof IllegalMoveError) return `illegal_move:${err.reason}`;
      throw err;
    }
    out[n++] = packEntry(point, color, false);
    if (point !== PASS) labelled++;
  }
  scratch.setupCount = nSetup;
  scratch.moveCount = moves.length;
  scratch.labelled = labelled;
  return null;
}

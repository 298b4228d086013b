// Replays dataset games onto one reusable Board. Seeking forward within the same game continues from the current
// position, so visiting positions in ascending entry order costs one replay per game, not one per position.
import { Board } from '../go/board.js';
import type { Color, Player } from '../go/constants.js';
import type { Dataset } from './dataset.js';
import { entryColor, entryPoint } from './format.js';

export class Replayer {
  readonly board = new Board();
  private game = -1;
  /** Index (within the game's moves) of the next move to play on `board`. */
  private cursor = 0;
  /** Moves played on the board since construction (for benchmarks). */
  movesReplayed = 0;

  constructor(readonly dataset: Dataset) {}

  /**
   * Puts `board` at the position just before the move stored at entry e (which must be a move, not a setup
   * stone) and returns that move's packed entry. Throws naming game and move if the stored game does not replay.
   */
  seek(e: number): number {
    const ds = this.dataset;
    const entries = ds.entries;
    const g = ds.gameOfEntry(e);
    const first = ds.gameStart(g) + ds.setupCount(g);
    const k = e - first;
    if (k < 0 || k >= ds.moveCount(g)) throw new Error(`Replayer.seek: entry ${e} is not a move of game ${g}`);
    const board = this.board;
    if (g !== this.game || k < this.cursor) {
      board.reset();
      for (let s = ds.gameStart(g); s < first; s++) board.setStone(entryPoint(entries[s]), entryColor(entries[s]) as Color);
      board.toPlay = entryColor(entries[first]) as Player;
      this.game = g;
      this.cursor = 0;
    }
    // The build already replayed every stored game under superko, so the repetition lookup is skipped while
    // catching up (about 2x faster); it is back on for the position handed to the encoder (its legality planes).
    const superko = board.superko;
    board.superko = false;
    try {
      for (let i = this.cursor; i < k; i++) {
        const v = entries[first + i];
        try {
          board.play(entryPoint(v), entryColor(v) as Player);
        } catch (err) {
          this.game = -1;
          throw new Error(`dataset ${ds.dir}: game ${g} move ${i + 1} does not replay: ${(err as Error).message}`);
        }
      }
    } finally {
      board.superko = superko;
    }
    this.movesReplayed += k - this.cursor;
    this.cursor = k;
    return entries[e];
  }
}

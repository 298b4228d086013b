// The error every rule violation throws, carrying machine-readable fields for callers (GTP, SGF replay).
import { colorLetter, isPlayer } from './constants.js';
import type { Player } from './constants.js';
import { isMove, pointToGtp } from './coords.js';

export type IllegalReason = 'occupied' | 'suicide' | 'ko' | 'superko' | 'offboard' | 'wrong-size';

const TEXT: Record<IllegalReason, string> = {
  occupied: 'the point is occupied',
  suicide: 'suicide is not allowed',
  ko: 'it retakes a ko immediately',
  superko: 'it repeats an earlier position (positional superko)',
  offboard: 'the point is not on the 19×19 board',
  'wrong-size': 'the board is not 19×19',
};

/** A move rejected by the rules; `moveNumber` is the number the move would have had (1 = first move). */
export class IllegalMoveError extends Error {
  readonly reason: IllegalReason;
  readonly point: number;
  readonly color: Player;
  readonly moveNumber: number;

  constructor(reason: IllegalReason, point: number, color: Player, moveNumber: number) {
    const where = isMove(point) ? pointToGtp(point) : String(point);
    const who = isPlayer(color) ? colorLetter(color) : String(color);
    super(`illegal move ${moveNumber} (${who} ${where}): ${TEXT[reason]}`);
    this.name = 'IllegalMoveError';
    this.reason = reason;
    this.point = point;
    this.color = color;
    this.moveNumber = moveNumber;
  }
}

// `alphago48`: the 48 input planes of AlphaGo's SL policy network (Silver et al. 2016, Extended Data Table 2),
// from the view of the player to move (board.toPlay = "player", the other colour = "opponent").
//
// | planes | family          | value on point p (one-hot families: exactly one plane set where the family applies) |
// |-------:|-----------------|---------------------------------------------------------------------------------------|
// | 0..2   | stone           | 0 player stone, 1 opponent stone, 2 empty                                             |
// | 3      | ones            | 1 everywhere                                                                          |
// | 4..11  | turns_since     | stones only: t = moveNumber − placedAt(p) + 1, planes 1,2,…,7,≥8 (last stone: t=1); |
// |        |                 | setup stones (placedAt −1) count as ≥8: they were there before any recorded move      |
// | 12..19 | liberties       | stones only: liberties of the chain, 1..7, ≥8                                         |
// | 20..27 | capture_size    | legal empty points only: opponent stones the move would capture, 0..6, ≥7            |
// | 28..35 | self_atari_size | legal empty points only, if the move leaves its chain with 1 liberty: chain size      |
// |        |                 | after the move, 1..7, ≥8                                                              |
// | 36..43 | liberties_after | legal empty points only: liberties of the mover's chain after the move, 1..7, ≥8      |
// | 44     | ladder_capture  | legal move that ataris an opponent 2-liberty chain which cannot escape (ladder.ts)   |
// | 45     | ladder_escape   | legal move that extends an own chain in atari so that no ladder captures it          |
// | 46     | sensibleness    | legal and not filling one of the player's own eyes (board.isEyeOf)                    |
// | 47     | zeros           | 0 everywhere                                                                          |
//
// "Legal" is board.isLegal for the player to move (occupied, suicide, ko and — if the board enforces it — superko).
import type { Board } from '../go/board.js';
import { EMPTY, NPOINTS, WHITE, type Player } from '../go/constants.js';
import { NEIGHBOURS } from '../go/coords.js';
import { LadderReader } from './ladder.js';
import { checkOutput, planeNamesOf, type FeatureSet, type PlaneRange } from './types.js';

/** Plane ranges [start, end) of `alphago48`, in order; the table above in data form. */
export const ALPHAGO48_RANGES: readonly PlaneRange[] = [
  { family: 'stone', start: 0, end: 3 },
  { family: 'ones', start: 3, end: 4 },
  { family: 'turns_since', start: 4, end: 12 },
  { family: 'liberties', start: 12, end: 20 },
  { family: 'capture_size', start: 20, end: 28 },
  { family: 'self_atari_size', start: 28, end: 36 },
  { family: 'liberties_after', start: 36, end: 44 },
  { family: 'ladder_capture', start: 44, end: 45 },
  { family: 'ladder_escape', start: 45, end: 46 },
  { family: 'sensibleness', start: 46, end: 47 },
  { family: 'zeros', start: 47, end: 48 },
];

const ONE_TO_8 = ['1', '2', '3', '4', '5', '6', '7', '>=8'];
const LABELS: Record<string, readonly string[]> = {
  stone: ['player', 'opponent', 'empty'],
  turns_since: ONE_TO_8,
  liberties: ONE_TO_8,
  capture_size: ['0', '1', '2', '3', '4', '5', '6', '>=7'],
  self_atari_size: ONE_TO_8,
  liberties_after: ONE_TO_8,
};

const PLANES = 48;
const STONE = 0;
const ONES = 3;
const TURNS = 4;
const LIBS = 12;
const CAPTURE = 20;
const SELF_ATARI = 28;
const LIBS_AFTER = 36;
const LADDER_CAPTURE = 44;
const LADDER_ESCAPE = 45;
const SENSIBLE = 46;

/** Encoder with reusable buffers (ladder scratch board, colours, chain marks); not re-entrant, one per worker. */
export class Alphago48Encoder {
  private readonly ladder = new LadderReader();
  private readonly libs = new Int16Array(NPOINTS);
  private readonly colors = new Uint8Array(NPOINTS);
  private readonly seen = new Int32Array(NPOINTS);
  private readonly candidate = new Int32Array(NPOINTS);
  private stamp = 0;
  /** When false, planes 44/45 stay zero (benchmarks measure the ladder cost with it). */
  ladders = true;

  /** stride: planes per point of the output (48 here; alphago49 writes its extra komi plane after these 48). */
  constructor(private readonly stride = PLANES) {}

  /** Writes the 48 planes of board into out from offset (NHWC, `stride` floats per point); board is not modified. */
  encode(board: Board, out: Float32Array, offset = 0): void {
    const stride = this.stride;
    checkOutput('alphago48', stride, out, offset);
    out.fill(0, offset, offset + NPOINTS * stride);
    const me = board.toPlay;
    const moveNumber = board.moveNumber;
    let ladderCandidates = 0;
    // Colours first, so the eye test below can rule out most points without a board call.
    const colors = this.colors;
    for (let p = 0; p < NPOINTS; p++) colors[p] = board.colorAt(p);
    for (let p = 0, base = offset; p < NPOINTS; p++, base += stride) {
      out[base + ONES] = 1;
      const c = colors[p];
      if (c === EMPTY) {
        out[base + STONE + 2] = 1;
        // One preview gives legality, captures, liberties (capped at 8: the planes saturate) and chain size.
        if (board.preview(p, me, 8) !== null) continue;
        const captured = board.previewCaptures;
        out[base + CAPTURE + (captured < 7 ? captured : 7)] = 1;
        const after = board.previewLiberties;
        out[base + LIBS_AFTER + after - 1] = 1;
        if (after === 1) {
          const size = board.previewChainSize;
          out[base + SELF_ATARI + (size < 8 ? size : 8) - 1] = 1;
        }
        // An eye needs own stones (or the edge) on all four sides; only then ask the board's full eye rule.
        let ownSides = true;
        for (let k = 0; k < 4 && ownSides; k++) {
          const q = NEIGHBOURS[p * 4 + k];
          if (q >= 0 && colors[q] !== me) ownSides = false;
        }
        if (!ownSides || !board.isEyeOf(p, me)) out[base + SENSIBLE] = 1;
        continue;
      }
      out[base + STONE + (c === me ? 0 : 1)] = 1;
      // placedAt is the 1-based number of the move that placed the stone, so the last stone played is 1 turn old.
      const placed = board.placedAt(p);
      const age = placed < 0 ? 8 : moveNumber - placed + 1;
      out[base + TURNS + (age < 8 ? age - 1 : 7)] = 1;
      // The board keeps one liberty count per chain (read through the chain head), so this is per chain, not a walk.
      const libs = board.liberties(p);
      out[base + LIBS + (libs < 8 ? libs : 8) - 1] = 1;
      if (libs <= 2 && (libs === 2) === (c !== me)) ladderCandidates++;
    }
    if (this.ladders && ladderCandidates > 0) this.encodeLadders(board, me, out, offset);
  }

  // Ladder planes only where they can apply: liberties of opponent chains with exactly 2 liberties (capture) and of
  // own chains in atari (escape). Each chain is scanned once, each candidate point read once.
  private encodeLadders(board: Board, me: Player, out: Float32Array, offset: number): void {
    const stamp = this.nextStamp();
    const seen = this.seen;
    const candidate = this.candidate;
    const libPoints = this.libs;
    const colors = this.colors; // filled by encode() for this position
    this.ladder.attach(board);
    for (let p = 0; p < NPOINTS; p++) {
      const c = colors[p];
      if (c === EMPTY) continue;
      const libs = board.liberties(p);
      const isCapture = c !== me && libs === 2;
      const isEscape = c === me && libs === 1;
      if (!isCapture && !isEscape) continue;
      const id = board.chainId(p);
      if (seen[id] === stamp) continue;
      seen[id] = stamp;
      const nl = board.chainLibertyPoints(p, libPoints);
      // candidate[q] holds (stamp << 2) | kind bits so a point is read at most once per kind.
      for (let i = 0; i < nl; i++) {
        const q = libPoints[i];
        const bit = isCapture ? 1 : 2;
        const prev = candidate[q] >>> 2 === stamp ? candidate[q] & 3 : 0;
        if (prev & bit) continue;
        candidate[q] = (stamp << 2) | prev | bit;
        const base = offset + q * this.stride;
        if (isCapture) {
          if (this.ladder.captureWorks(q, me)) out[base + LADDER_CAPTURE] = 1;
        } else if (this.ladder.escapeWorks(q, me)) {
          out[base + LADDER_ESCAPE] = 1;
        }
      }
    }
  }

  private nextStamp(): number {
    // Stamps are shifted left by 2 in `candidate`, so wrap well below 2^29.
    if (++this.stamp >= 1 << 28) {
      this.seen.fill(0);
      this.candidate.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }
}

const sharedEncoder = new Alphago48Encoder();

/** The `alphago48` feature set (version 1, 48 planes). */
export const alphago48: FeatureSet = {
  name: 'alphago48',
  version: 1,
  planes: PLANES,
  planeNames: planeNamesOf(ALPHAGO48_RANGES, LABELS),
  encode: (board, out, offset = 0) => sharedEncoder.encode(board, out, offset),
};

/** Komi plane value for the side to move: komi/15, positive when White (who receives komi) is to move. */
export function komiPlaneValue(komi: number, toPlay: number): number {
  return (toPlay === WHITE ? komi : -komi) / 15;
}

/** Komi assumed when a position does not say (the most common komi of the training data, tom9d). */
export const DEFAULT_KOMI = 7.5;

const sharedEncoder49 = new Alphago48Encoder(PLANES + 1);

/**
 * The `alphago49` feature set (version 1): the 48 planes of alphago48 in the same order, then plane 48 = komi from
 * the side to move's view (komiPlaneValue) on every point, so a value head can tell 6.5 from 7.5.
 */
export const alphago49: FeatureSet = {
  name: 'alphago49',
  version: 1,
  planes: PLANES + 1,
  planeNames: [...planeNamesOf(ALPHAGO48_RANGES, LABELS), 'komi'],
  encode: (board, out, offset = 0, komi = DEFAULT_KOMI) => {
    sharedEncoder49.encode(board, out, offset);
    const k = komiPlaneValue(komi, board.toPlay);
    for (let p = 0, i = offset + PLANES; p < NPOINTS; p++, i += PLANES + 1) out[i] = k;
  },
};

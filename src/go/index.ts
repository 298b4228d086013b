// Public surface of the rules core.
export * from './constants.js';
export * from './coords.js';
export { Board, IllegalMoveError } from './board.js';
export type { AreaScore, IllegalReason } from './board.js';
export { fixedHandicapPoints } from './handicap.js';
export { formatScore } from './score.js';
export { hashKeyOf } from './zobrist.js';

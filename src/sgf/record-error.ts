/** Why a parsed game cannot become a `GameRecord`. */
export type GameRecordErrorCode = 'board-size' | 'bad-point' | 'bad-move' | 'bad-property' | 'bad-path';

/**
 * A well-formed SGF game that does not describe a playable 19×19 record. `moveNumber` is the
 * 1-based move the problem is at (null for root properties), `property` the SGF property involved.
 */
export class GameRecordError extends Error {
  override readonly name = 'GameRecordError';
  constructor(
    message: string,
    readonly code: GameRecordErrorCode,
    readonly property: string | null = null,
    readonly moveNumber: number | null = null,
  ) {
    super(message);
  }
}

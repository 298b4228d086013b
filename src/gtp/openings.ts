// Openings for `tengen match --openings`: the first moves of real games, so that engines that repeat themselves (a
// Tengen search ended by its visit limit is deterministic; GnuGo seeds from the clock's second, so two shards started
// together played the same game) play different games. As gogui-twogtp's -openings: each opening is played twice,
// once with each engine as Black.
import { Board } from '../go/board.js';
import { PASS } from '../go/constants.js';
import { readSgfFileSync, toGameRecord, type GameRecord } from '../sgf/index.js';

/** The first moves of one game, to be played before the engines take over. */
export interface Opening {
  /** Where it comes from: `file#game` (game 1-based within the file's collection). */
  name: string;
  moves: GameRecord['moves'];
}

/** Whether a game can start a match with its first `moves` moves: no handicap or setup stones, long enough, and no pass, illegal or out-of-turn move among them. */
function usable(rec: GameRecord, moves: number): boolean {
  if (rec.handicap > 0) return false;
  if (rec.setup.black.length + rec.setup.white.length + rec.setup.empty.length > 0 || rec.laterSetup.some((s) => s.moveIndex < moves)) return false;
  if (rec.moves.length < moves) return false;
  const b = new Board();
  for (let i = 0; i < moves; i++) {
    const m = rec.moves[i]!;
    if (m.point === PASS || m.color !== b.toPlay || b.legality(m.point, m.color) !== null) return false;
    b.play(m.point, m.color);
  }
  return true;
}

/**
 * The first `moves` moves of up to `count` games from `files` (SGF collections, `.sgf.gz` too; named by `source`, else
 * `path`), in file order and
 * game order; games that cannot start a match (handicap, setup stones, shorter, a pass or illegal move among those
 * moves, another board size, unreadable) are skipped. Throws when no game gives an opening.
 */
export function loadOpenings(files: readonly { path: string; source?: string }[], moves: number, count: number): Opening[] {
  if (!Number.isInteger(moves) || moves < 1 || moves > 100) throw new Error(`openings: moves must be an integer in 1..100, got ${moves}`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`openings: count must be a positive integer, got ${count}`);
  const out: Opening[] = [];
  let skipped = 0;
  for (const file of files) {
    let parsed;
    try {
      parsed = readSgfFileSync(file.path);
    } catch (err) {
      throw new Error(`openings: cannot read ${file.source ?? file.path}: ${(err as Error).message}`);
    }
    for (let g = 0; g < parsed.games.length && out.length < count; g++) {
      let rec: GameRecord;
      try {
        rec = toGameRecord(parsed.games[g]!);
      } catch {
        skipped++;
        continue;
      }
      if (!usable(rec, moves)) {
        skipped++;
        continue;
      }
      out.push({ name: `${file.source ?? file.path}#${parsed.gameIndexes[g]! + 1}`, moves: rec.moves.slice(0, moves).map((m) => ({ ...m })) });
    }
    if (out.length >= count) break;
  }
  if (out.length === 0) throw new Error(`openings: none of the ${skipped} games in ${files.length} file(s) has ${moves} usable opening moves`);
  return out;
}

/** The opening of game `index` (0-based): games 2k and 2k+1 share opening k (colours swapped), cycling. */
export function openingOf(openings: readonly Opening[], index: number): Opening {
  return openings[Math.floor(index / 2) % openings.length]!;
}

/** How many openings games 1 … `games` use (openingOf's pairing), so a match loads no more. */
export function openingsUsedBy(games: number): number {
  return Math.ceil(games / 2);
}

const NOTE = /; opening: the first (\d+) moves of (\S+)$/;

/** The suffix a match adds to a game's SGF comment (GC) to name its opening; `parseOpeningNote` reads it back. */
export function openingNote(o: Opening): string {
  return `; opening: the first ${o.moves.length} moves of ${o.name}`;
}

/** The opening named at the end of a GC by `openingNote` (name, move count, the GC before it), or null. */
export function parseOpeningNote(gc: string): { name: string; moves: number; before: string } | null {
  const m = NOTE.exec(gc);
  return m ? { name: m[2]!, moves: Number(m[1]), before: gc.slice(0, m.index) } : null;
}

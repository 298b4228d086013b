// `tengen match --compare DIR1 DIR2`: two earlier `tengen match --out` folders played game by game on the same
// (opening, colour) pairs — e.g. two models or two time limits of engine A against the same opponent — compared
// pairwise: how often both, only one or neither of the two A engines won game N, and an exact two-sided sign test on
// the games only one of them won. Pairing removes the variance of the openings and colours, which an unpaired
// comparison of two win rates keeps; it is what the model notes in models/README.md report.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseSgf, toGameRecord } from '../sgf/index.js';
import { signTest } from '../stats.js';
import { blackRoleOf, moveSequence, roleOfColor, scoreWinner } from './match.js';
import { parseOpeningNote } from './openings.js';

/** One game of a match folder, as far as the comparison needs it. */
export interface FolderGame {
  /** Game number (game-NNN.sgf). */
  game: number;
  /** Engine A won: true, lost: false, draw/void/unknown result: null. */
  aWon: boolean | null;
  /** The opening's name (`--openings`; the path as that match was given it), or null for a game from the empty board. */
  opening: string | null;
  /** The opening's moves (moveSequence), '' for none: what pairs two games, whatever path named the openings. */
  openingMoves: string;
  result: string;
}

export interface MatchFolder {
  dir: string;
  /** Engine A's name (the player of game 1's Black), or 'A'. */
  nameA: string;
  /** Engine B's name (the opponent: game 1's White), or 'B'. */
  nameB: string;
  games: Map<number, FolderGame>;
}

export interface MatchComparison {
  first: MatchFolder;
  second: MatchFolder;
  /** Game numbers present in both folders, ascending. */
  paired: number[];
  onlyInFirst: number[];
  onlyInSecond: number[];
  /** Among paired games: engine A won in both folders, only in the first, only in the second, in neither. */
  both: number;
  onlyFirst: number;
  onlySecond: number;
  neither: number;
  /** Paired games with a draw or no result in either folder (left out of the four counts above). */
  undecided: number;
  /** Exact two-sided sign test on the onlyFirst + onlySecond split games. */
  p: number;
}

/** Reads the game-NNN.sgf files of a `tengen match --out` folder; throws naming the folder or file it cannot read. */
export function readMatchFolder(dir: string): MatchFolder {
  if (!existsSync(dir)) throw new Error(`compare: folder ${dir} does not exist`);
  const games = new Map<number, FolderGame>();
  let nameA = 'A';
  let nameB = 'B';
  const files = readdirSync(dir)
    .map((f) => /^game-(\d+)\.sgf$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: path.join(dir, m[0]), game: Number(m[1]) }))
    .sort((a, b) => a.game - b.game);
  if (files.length === 0) throw new Error(`compare: no game-NNN.sgf files in ${dir}`);
  for (const { file, game } of files) {
    let rec;
    try {
      rec = toGameRecord(parseSgf(readFileSync(file, 'utf8')).games[0]!);
    } catch (err) {
      throw new Error(`compare: cannot read ${file}: ${(err as Error).message}`);
    }
    const blackRole = blackRoleOf(game - 1);
    if (game === 1) {
      nameA = rec.players.black || nameA;
      nameB = rec.players.white || nameB;
    }
    const result = rec.result ?? '';
    const win = scoreWinner(result);
    const aWon = win === undefined || win === null ? null : roleOfColor(win, blackRole) === 'A';
    // A rescore keeps the match's GC at the end of its own, so the opening note is still last.
    const op = parseOpeningNote(rec.properties.GC?.[0] ?? '');
    games.set(game, { game, aWon, opening: op?.name ?? null, openingMoves: op ? moveSequence(rec.moves.slice(0, op.moves)) : '', result });
  }
  return { dir, nameA, nameB, games };
}

/**
 * Compares engine A of two match folders game by game. Throws when a game number is in both folders with different
 * openings: then the folders did not play the same (opening, colour) pairs and a paired comparison means nothing.
 */
export function compareMatches(first: MatchFolder, second: MatchFolder): MatchComparison {
  const paired: number[] = [];
  const onlyInFirst: number[] = [];
  for (const n of [...first.games.keys()].sort((a, b) => a - b)) (second.games.has(n) ? paired : onlyInFirst).push(n);
  const onlyInSecond = [...second.games.keys()].filter((n) => !first.games.has(n)).sort((a, b) => a - b);
  let both = 0;
  let onlyFirst = 0;
  let onlySecond = 0;
  let neither = 0;
  let undecided = 0;
  for (const n of paired) {
    const a = first.games.get(n)!;
    const b = second.games.get(n)!;
    if (a.openingMoves !== b.openingMoves) {
      throw new Error(
        `compare: game ${n} opens with ${a.opening ? `${a.opening} (${a.openingMoves})` : 'the empty board'} in ${first.dir} but ` +
          `${b.opening ? `${b.opening} (${b.openingMoves})` : 'the empty board'} in ${second.dir}; ` +
          'the folders did not play the same openings (same --openings and --opening-moves, game numbers from the same --first-game)',
      );
    }
    if (a.aWon === null || b.aWon === null) undecided++;
    else if (a.aWon && b.aWon) both++;
    else if (a.aWon) onlyFirst++;
    else if (b.aWon) onlySecond++;
    else neither++;
  }
  return { first, second, paired, onlyInFirst, onlyInSecond, both, onlyFirst, onlySecond, neither, undecided, p: signTest(onlyFirst, onlyFirst + onlySecond) };
}

/** Game numbers as compact ranges: [1,2,3,7] → "1–3, 7". */
function ranges(ns: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    out.push(i === j ? `${ns[i]}` : `${ns[i]}–${ns[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** Markdown report of a comparison (what `tengen match --compare` prints). */
export function formatComparison(c: MatchComparison): string {
  const wins = (f: MatchFolder): number => c.paired.filter((n) => f.games.get(n)!.aWon === true).length;
  const lines = [
    `paired by game number (same opening and colours): ${c.paired.length} games${c.paired.length ? ` (${ranges(c.paired)})` : ''}`,
    '',
    '| folder | engine A | opponent (B) | A wins in the paired games |',
    '|---|---|---|---:|',
    `| first: ${c.first.dir} | ${c.first.nameA} | ${c.first.nameB} | ${wins(c.first)} |`,
    `| second: ${c.second.dir} | ${c.second.nameA} | ${c.second.nameB} | ${wins(c.second)} |`,
    '',
    `both won ${c.both}, only the first ${c.onlyFirst}, only the second ${c.onlySecond}, neither ${c.neither}` +
      (c.undecided ? `; ${c.undecided} with a draw or no result in either (left out)` : ''),
    `two-sided sign test on the ${c.onlyFirst + c.onlySecond} split games: p = ${c.p.toFixed(3)}`,
  ];
  if (c.onlyInFirst.length) lines.push(`only in the first folder (not compared): games ${ranges(c.onlyInFirst)}`);
  if (c.onlyInSecond.length) lines.push(`only in the second folder (not compared): games ${ranges(c.onlyInSecond)}`);
  return lines.join('\n') + '\n';
}

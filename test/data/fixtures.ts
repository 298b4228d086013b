// Hand-written SGF fixtures for the data tests: a temp folder whose drop reasons are known by construction.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const L = 'abcdefghijklmnopqrs';
const at = (x: number, y: number): string => L[x] + L[y];

/**
 * n move pairs that are legal by construction: Black fills rows 3, 5 and White rows 15, 13 from the left, so every
 * row of stones keeps the empty rows beside it as liberties and nothing is ever captured.
 */
export function padMoves(pairs: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < pairs; i++) {
    const row = Math.floor(i / 19);
    out.push(`B[${at(i % 19, 3 + 2 * row)}]`, `W[${at(i % 19, 15 - 2 * row)}]`);
  }
  return out;
}

export function sgf(moves: string[], root = 'GM[1]FF[4]SZ[19]KM[7.5]'): string {
  return `(;${root}\n;${moves.join(';')})\n`;
}

export interface FixtureSet {
  dir: string;
  /** Expected drop counts with default options (minMoves 40, no handicap). */
  dropped: Record<string, number>;
  kept: number;
  positions: number;
  labelled: number;
}

/** Writes the fixture folder and returns its path and the counts worked out by hand. */
export function writeFixtures(): FixtureSet {
  const root = mkdtempSync(join(tmpdir(), 'tengen-data-'));
  const dir = join(root, 'fx');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  const put = (name: string, text: string): void => writeFileSync(join(dir, name), text);

  const good1 = padMoves(25); // 50 moves
  put('good1.sgf', sgf(good1, 'GM[1]FF[4]SZ[19]KM[7.5]PB[alpha]PW[beta]RE[B+R]'));
  put('sub/good2.sgf', sgf(padMoves(30))); // 60 moves, in a subfolder
  // gz collection: a 46-move game ending in two passes (44 labelled), and an exact copy of good1's moves.
  const good3 = [...padMoves(22), 'B[]', 'W[]'];
  writeFileSync(join(dir, 'coll.sgf.gz'), gzipSync(sgf(good3) + sgf(good1, 'GM[1]FF[4]SZ[19]KM[6.5]PB[copy]')));
  // Ko: B j9.. shape around (9,9)/(10,9); W takes at (9,9), B retakes at (10,9) at once.
  put('ko.sgf', sgf([...padMoves(20), 'B[ji]', 'W[ki]', 'B[ij]', 'W[lj]', 'B[jk]', 'W[kk]', 'B[kj]', 'W[jj]', 'B[kj]']));
  put('occupied.sgf', sgf([...padMoves(20), 'B[ad]']));
  // Suicide: Black at (17,0) and (18,1); White plays the corner (18,0).
  put('suicide.sgf', sgf([...padMoves(20), 'B[ra]', 'W[ar]', 'B[sb]', 'W[sa]']));
  put('small13.sgf', sgf(padMoves(20), 'GM[1]FF[4]SZ[13]'));
  // Handicap 2 on (9,9) and (9,7), away from the padding rows; White moves first.
  const hc: string[] = [];
  for (const m of padMoves(22)) hc.push(m);
  const wFirst: string[] = [];
  for (let i = 0; i < hc.length; i += 2) wFirst.push(hc[i + 1], hc[i]);
  put('handicap.sgf', sgf(wFirst, 'GM[1]FF[4]SZ[19]HA[2]KM[0.5]AB[jj][jh]'));
  put('short.sgf', sgf(padMoves(10)));
  put('nonalt.sgf', sgf([...padMoves(20), 'B[ae]', 'B[be]']));
  put('malformed.sgf', '(;GM[1]FF[4]SZ[19];B[pd];W[dd]'); // unterminated
  put('notes.txt', 'not an SGF file: ignored by the folder walk');
  return {
    dir,
    dropped: {
      duplicate: 1,
      handicap_or_setup: 1,
      'illegal_move:ko': 1,
      'illegal_move:non_alternating': 1,
      'illegal_move:occupied': 1,
      'illegal_move:suicide': 1,
      parse_error: 1,
      too_short: 1,
      wrong_size: 1,
    },
    kept: 3,
    positions: 50 + 60 + 46,
    labelled: 50 + 60 + 44,
  };
}

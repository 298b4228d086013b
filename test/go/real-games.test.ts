// Replays real 9-dan games from the shared data and cross-checks every position with @sabaki/go-board.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import GoBoardImport from '@sabaki/go-board';
import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { BLACK, PASS, WHITE } from '../../src/go/constants.js';
import type { Player } from '../../src/go/constants.js';
import { gtpToPoint, sgfToPoint } from '../../src/go/coords.js';
import { floodChain, scratchHash } from './helpers.js';

// The package is CommonJS (module.exports = GoBoard) but its typings declare an ES default export.
const GoBoard = GoBoardImport as unknown as typeof GoBoardImport.default;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const devFile = path.resolve(repoRoot, '../shared/data/tom9d/dev/tom-2010-07.sgf.gz');
const haveData = fs.existsSync(devFile);

function loadGames(limit: number): [Player, number][][] {
  const text = zlib.gunzipSync(fs.readFileSync(devFile)).toString('utf8');
  const games: [Player, number][][] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(';')) continue;
    games.push([...line.matchAll(/;([BW])\[([a-s]{0,2})\]/g)].map((m) => [m[1] === 'B' ? BLACK : WHITE, sgfToPoint(m[2])]));
    if (games.length >= limit) break;
  }
  return games;
}

const cycleFile = path.resolve(repoRoot, '../shared/data/tom9d/dev/tom-2010-09.sgf.gz');

describe.skipIf(!fs.existsSync(cycleFile))('a real game that repeats a position', () => {
  it('tom-101654758: move 109 B S1 is a superko violation, legal under simple ko', () => {
    const lines = zlib.gunzipSync(fs.readFileSync(cycleFile)).toString('utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('GN[tom-101654758]'));
    expect(at).toBeGreaterThanOrEqual(0);
    const moves = [...lines[at + 1].matchAll(/;([BW])\[([a-s]{0,2})\]/g)].map(
      (m) => [m[1] === 'B' ? BLACK : WHITE, sgfToPoint(m[2])] as [Player, number],
    );
    const b = new Board();
    for (let k = 0; k < 108; k++) b.play(moves[k][1], moves[k][0]);
    expect(moves[108]).toEqual([BLACK, gtpToPoint('S1')]);
    expect(b.koPoint).not.toBe(moves[108][1]);
    expect(b.legality(moves[108][1], BLACK)).toBe('superko');
    b.superko = false;
    for (let k = 108; k < moves.length; k++) b.play(moves[k][1], moves[k][0]);
    expect(b.moveNumber).toBe(moves.length);
  });
});

describe.skipIf(!haveData)('real games (../shared/data/tom9d/dev; skipped when the data folder is missing)', () => {
  it('matches @sabaki/go-board position and captures after every move of 25 games', () => {
    const b = new Board();
    for (const game of loadGames(25)) {
      b.reset();
      let ref = GoBoard.fromDimensions(19);
      for (const [c, p] of game) {
        b.play(p, c);
        if (p === PASS) continue;
        ref = ref.makeMove(c === BLACK ? 1 : -1, [p % 19, Math.floor(p / 19)]);
        for (let q = 0; q < 361; q++) {
          const v = ref.get([q % 19, Math.floor(q / 19)]);
          if (b.colorAt(q) !== (v === 1 ? BLACK : v === -1 ? WHITE : 0)) {
            throw new Error(`move ${b.moveNumber}: point ${q} differs from @sabaki/go-board`);
          }
        }
      }
      expect(b.capturesBy(BLACK)).toBe(ref.getCaptures(1));
      expect(b.capturesBy(WHITE)).toBe(ref.getCaptures(-1));
    }
  });

  it('replays 300 games with superko on, exact liberties and hash at the end, and undoes back to empty', () => {
    const b = new Board();
    for (const game of loadGames(300)) {
      b.reset();
      for (const [c, p] of game) b.play(p, c);
      expect(b.moveNumber).toBe(game.length);
      for (let q = 0; q < 361; q++) if (b.colorAt(q) !== 0) expect(b.liberties(q)).toBe(floodChain(b, q).libs);
      expect([b.hashLo, b.hashHi]).toEqual(scratchHash(b));
      while (b.historyLength > 0) b.undo();
      expect(b.stoneCount(BLACK) + b.stoneCount(WHITE)).toBe(0);
      expect(b.hashKey()).toBe(0);
    }
  });
});

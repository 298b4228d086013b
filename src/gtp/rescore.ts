// `tengen match --rescore DIR --referee CMD`: re-scores the game-NNN.sgf files of an earlier match with a
// referee engine and rewrites summary.md. Only games that ended on the board (two passes or the move limit)
// are re-scored; resignations and forfeits stand. Each SGF keeps its previous RE and GC inside the new GC,
// the previous summary is kept as summary.pre-rescore.md, and a second rescore starts from those originals.
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WHITE } from '../go/constants.js';
import { parseSgf, recordToSgf, toGameRecord } from '../sgf/index.js';
import type { Logger } from '../log.js';
import { blackRoleOf, formatSummary, moveSequence, roleOfColor, summarise, type Decider, type EndReason, type EngineRole, type GameResult, type MatchSummary } from './match.js';
import { Referee, scoreWinner } from './referee.js';

export interface RescoreOptions {
  /** Folder of an earlier `tengen match --out`. */
  dir: string;
  /** Referee engine command line, e.g. "/usr/games/gnugo --mode gtp --level 10 --chinese-rules". */
  referee: string;
  /** Komi when an SGF has no KM (default 7.5). */
  komi?: number;
  moveTimeoutMs?: number;
  logger?: Logger;
  onGame?: (g: GameResult) => void;
}

const MARK = ' || before rescore: ';

/** Splits a GC written by a previous rescore back into the original RE and GC. */
function originals(re: string, gc: string): { re: string; gc: string } {
  const i = gc.indexOf(MARK);
  if (i < 0) return { re, gc };
  const m = /^RE\[([^\]]*)\] ([\s\S]*)$/.exec(gc.slice(i + MARK.length));
  return m ? { re: m[1]!, gc: m[2]! } : { re, gc };
}

/**
 * ms/move per engine for each game number, from the summaries the match itself wrote in `dir` (summary.md, a shard's
 * summary-NNN.md, a kept summary.pre-rescore.md; not a rescore's output, which only carries numbers over), so the
 * rewritten summary keeps the timing it cannot recompute. A game no such summary lists has no entry.
 */
function matchTimings(dir: string): Map<number, Record<EngineRole, number>> {
  const out = new Map<number, Record<EngineRole, number>>();
  for (const f of readdirSync(dir).filter((f) => /^summary(-\d+|\.pre-rescore)?\.md$/.test(f)).sort()) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    if (text.startsWith('rescored from')) continue;
    const ms: Partial<Record<EngineRole, number>> = {};
    for (const m of text.matchAll(/^\| (A|B) \| .* \| \d+ \| \d+ \| \d+ \| ([\d.]+) \|$/gm)) ms[m[1] as EngineRole] = Number(m[2]);
    if (ms.A === undefined || ms.B === undefined) continue;
    for (const m of text.matchAll(/^game (\d+):/gm)) out.set(Number(m[1]), { A: ms.A, B: ms.B });
  }
  return out;
}

/** Re-scores every game-NNN.sgf in `opts.dir` with the referee, rewrites the SGFs and summary.md; returns the new summary. */
export async function rescoreMatch(opts: RescoreOptions): Promise<MatchSummary> {
  if (!existsSync(opts.dir)) throw new Error(`rescore: folder ${opts.dir} does not exist`);
  const files = readdirSync(opts.dir)
    .map((f) => ({ f, m: /^game-(\d+)\.sgf$/.exec(f) }))
    .filter((x) => x.m !== null)
    .map((x) => ({ file: path.join(opts.dir, x.f), index: Number(x.m![1]) - 1 }))
    .sort((a, b) => a.index - b.index);
  if (files.length === 0) throw new Error(`rescore: no game-NNN.sgf files in ${opts.dir}`);
  const summaryFile = path.join(opts.dir, 'summary.md');
  const keptFile = path.join(opts.dir, 'summary.pre-rescore.md');
  const timings = matchTimings(opts.dir);
  const referee = new Referee(opts.referee, opts.moveTimeoutMs ?? 120_000);
  const names: Record<EngineRole, string> = { A: 'A', B: 'B' };
  const games: GameResult[] = [];
  const failures: string[] = [];
  let rescored = 0;
  try {
    for (const { file, index } of files) {
      let rec;
      try {
        rec = toGameRecord(parseSgf(readFileSync(file, 'utf8')).games[0]!);
      } catch (err) {
        throw new Error(`rescore: cannot read ${file}: ${(err as Error).message}`);
      }
      const blackRole = blackRoleOf(index);
      if (rec.players.black) names[blackRole] = rec.players.black;
      if (rec.players.white) names[roleOfColor(WHITE, blackRole)] = rec.players.white;
      const orig = originals(rec.result ?? '', rec.properties.GC?.[0] ?? '');
      const gm = /^(score|resign|forfeit|max-moves): ([\s\S]*)$/.exec(orig.gc);
      const reason: EndReason = gm ? (gm[1] as EndReason) : /\+R/i.test(orig.re) ? 'resign' : /\+F/i.test(orig.re) ? 'forfeit' : 'score';
      const oldDetail = gm ? gm[2]! : orig.gc;
      const engineScores: GameResult['engineScores'] = {};
      for (const r of ['A', 'B'] as const) {
        const m = new RegExp(`\\b${r}: ([BW]\\+[\\d.R]+|0)`).exec(oldDetail);
        if (m) engineScores[r] = m[1]!;
      }
      let result = orig.re;
      let decidedBy: Decider =
        reason === 'resign' ? 'resign' : reason === 'forfeit' ? 'forfeit' : /engines agree/.test(oldDetail) ? 'engines' : /cleanup phase/.test(oldDetail) ? 'cleanup' : 'tromp-taylor';
      let detail = oldDetail;
      let refereeScore: string | null = null;
      if (reason === 'score' || reason === 'max-moves') {
        try {
          refereeScore = await referee.score(rec.moves, rec.komi ?? opts.komi ?? 7.5);
        } catch (err) {
          // One game the referee cannot take (it refused a move) keeps its old result instead of sinking the rescore.
          detail = `${oldDetail}; rescore failed: ${(err as Error).message}`;
          failures.push(`game ${index + 1}: ${(err as Error).message}`);
          opts.logger?.warn({ game: index + 1, err: (err as Error).message }, 'referee could not score; old result kept');
        }
      }
      if (refereeScore !== null) {
        result = refereeScore;
        decidedBy = 'referee';
        rescored++;
        detail = `referee ${referee.name} ${result}; before rescore ${orig.re || '?'} (${oldDetail})`;
        rec.result = result;
        rec.properties.GC = [`${reason}: referee ${referee.name} ${result}${MARK}RE[${orig.re}] ${orig.gc}`];
        writeFileSync(file, recordToSgf(rec));
      }
      const win = scoreWinner(result);
      // An opening (`--openings`) was played by the match, not generated by the engines.
      const op = /; opening: the first (\d+) moves of (\S+)$/.exec(orig.gc);
      const openingMoves = op ? Number(op[1]) : 0;
      const moveCount = { A: 0, B: 0 };
      for (const m of rec.moves.slice(openingMoves)) moveCount[roleOfColor(m.color, blackRole)]++;
      const g: GameResult = {
        index,
        blackRole,
        winner: win === undefined || win === null ? null : roleOfColor(win, blackRole),
        result,
        reason,
        decidedBy,
        detail,
        moves: rec.moves.length,
        sequence: moveSequence(rec.moves),
        engineScores,
        thinkMs: { A: moveCount.A * (timings.get(index + 1)?.A ?? NaN), B: moveCount.B * (timings.get(index + 1)?.B ?? NaN) },
        moveCount,
        sgfPath: file,
        ...(op ? { opening: op[2]!, openingMoves } : {}),
      };
      games.push(g);
      opts.onGame?.(g);
      opts.logger?.info({ game: index + 1, result, decidedBy }, 'rescored');
    }
  } finally {
    await referee.close();
  }
  // A referee that scored nothing (wrong command, crashes) must not overwrite the summary with the old results.
  if (rescored === 0 && failures.length > 0) throw new Error(`rescore: the referee scored no game; ${failures[0]}`);
  const summary = summarise(names, games);
  summary.referee = referee.name;
  if (existsSync(summaryFile) && !existsSync(keptFile)) copyFileSync(summaryFile, keptFile);
  const timed = games.filter((g) => Number.isFinite(g.thinkMs.A)).length;
  writeFileSync(
    summaryFile,
    `rescored from the SGF files by the referee; ms/move carried over from the match's own summaries, over the ${timed} of ${games.length} games they list\n\n${formatSummary(summary)}`,
  );
  return summary;
}

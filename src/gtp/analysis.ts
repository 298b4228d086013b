// `lz-analyze` / `kata-analyze` output built from the policy alone, in the forms GUIs parse:
//   Leela Zero: info move Q16 visits 123 winrate 5000 prior 1234 lcb 5000 order 0 pv Q16
//               (winrate, prior, lcb are integers in 1/10000; Lizzie reads prior as policy)
//   KataGo:     info move Q16 visits 123 utility 0 winrate 0.500000 prior 0.123400 lcb 0.500000 order 0 pv Q16
//               (floats in 0..1; Sabaki tells the two apart by the decimal point)
// Tengen has no search and no value head: `visits` are pseudo-visits, round(prior × 1000), because
// Sabaki and Lizzie size their heat map by visits (× winrate); winrate is the neutral 50%.
import { PASS } from '../go/constants.js';
import { pointToGtp } from '../go/coords.js';
import { parseGtpColor } from './args.js';
import type { Player } from '../go/constants.js';
import { GtpError } from './protocol.js';
import { topMoves } from '../engine/top-moves.js';

export type AnalysisFlavour = 'lz' | 'kata';

/** Pseudo-visits per unit of prior (see the file header). */
export const PSEUDO_VISITS = 1000;

/** Parsed arguments of an analyze command. */
export interface AnalyzeArgs {
  color: Player | null;
  /** Centiseconds between info lines; 0 = send once. */
  intervalCs: number;
  maxMoves: number;
}

const DEFAULT_MAX_MOVES = 24;

/**
 * Parses `[color] [interval] [key value]...` as Leela Zero and KataGo accept them (`interval 50`,
 * `maxmoves 10`, `minmoves`, `ownership true`… are tolerated); throws GtpError naming the bad token.
 */
export function parseAnalyzeArgs(args: readonly string[]): AnalyzeArgs {
  const out: AnalyzeArgs = { color: null, intervalCs: 0, maxMoves: DEFAULT_MAX_MOVES };
  let i = 0;
  if (i < args.length && /^(b|w|black|white)$/i.test(args[i]!)) out.color = parseGtpColor(args[i++]);
  if (i < args.length && /^\d+$/.test(args[i]!)) out.intervalCs = Number(args[i++]);
  while (i < args.length) {
    const key = args[i]!.toLowerCase();
    const val = args[i + 1];
    if (val === undefined) throw new GtpError(`syntax error: analyze option "${args[i]}" has no value`);
    if (key === 'interval' || key === 'maxmoves') {
      if (!/^\d+$/.test(val)) throw new GtpError(`syntax error: analyze option ${key} expects a whole number, got "${val}"`);
      if (key === 'interval') out.intervalCs = Number(val);
      else out.maxMoves = Math.max(1, Number(val));
    }
    // Other KataGo options (minmoves, ownership, pvVisits, allow, avoid…) have no meaning without search.
    i += 2;
  }
  return out;
}

function fixed(v: number, digits: number): string {
  return v.toFixed(digits);
}

/**
 * One analysis line from the side to move's policy: an `info` group per move among the top `maxMoves`
 * with at least one pseudo-visit, in the chosen flavour; '' when no point has probability.
 */
export function formatAnalysisLine(policy: Float32Array, flavour: AnalysisFlavour, maxMoves: number): string {
  const parts: string[] = [];
  let order = 0;
  for (const { point: p, prob: prior } of topMoves(policy, maxMoves)) {
    // topMoves stands in a pass when no point has probability; the policy has no pass output to report.
    if (p === PASS) break;
    const visits = Math.round(prior * PSEUDO_VISITS);
    if (visits < 1) break;
    const v = pointToGtp(p);
    if (flavour === 'lz') {
      parts.push(`info move ${v} visits ${visits} winrate 5000 prior ${Math.round(prior * 10000)} lcb 5000 order ${order} pv ${v}`);
    } else {
      parts.push(
        `info move ${v} visits ${visits} utility 0 winrate ${fixed(0.5, 6)} prior ${fixed(prior, 6)} lcb ${fixed(0.5, 6)} order ${order} pv ${v}`,
      );
    }
    order++;
  }
  return parts.join(' ');
}

// `lz-analyze` / `kata-analyze` output in the forms GUIs parse:
//   Leela Zero: info move Q16 visits 123 winrate 5432 prior 1234 lcb 5101 order 0 pv Q16 D4 …
//               (winrate, prior, lcb are integers in 1/10000 from the side to move's view)
//   KataGo:     info move Q16 visits 123 utility 0.0864 winrate 0.543200 prior 0.123400 lcb 0.510100 order 0 pv Q16 D4 …
//               (floats; utility is the win/loss utility 2·winrate − 1, there is no score head, so no scoreLead)
// With a search (the normal case) every number comes from the tree: visits, winrate, lcb, order, principal variation.
// `formatPolicyLine` is the policy-only form (`--policy-only`): `visits` are then pseudo-visits round(prior × 1000),
// because Sabaki and Lizzie size their heat map by visits, and winrate is the neutral 50%.
import { NPOINTS, PASS, type Player } from '../go/constants.js';
import { pointToGtp } from '../go/coords.js';
import { topMoves } from '../engine/top-moves.js';
import type { MoveFilter, MoveInfo } from '../search/search.js';
import { parseGtpColor, parseGtpVertex } from './args.js';
import { GtpError } from './protocol.js';

export type AnalysisFlavour = 'lz' | 'kata';

/** Pseudo-visits per unit of prior in the policy-only form. */
export const PSEUDO_VISITS = 1000;

/** Parsed arguments of an analyze command. */
export interface AnalyzeArgs {
  color: Player | null;
  /** Centiseconds between info lines; 0 = send once. */
  intervalCs: number;
  maxMoves: number;
  /** Report at least this many moves, unvisited ones included (Leela Zero's minmoves). */
  minMoves: number;
  /** avoid / allow clauses (Leela Zero syntax `avoid b q16,d4 30`, `allow w k10 1`). */
  filters: MoveFilter[];
  /** kata-analyze `ownership true`: each line ends with `ownership` and 361 values (side to move's view, A19 first). */
  ownership: boolean;
  /** kata-analyze `pvVisits true`: each move's `pv …` is followed by `pvVisits` and the visits of each position on it. */
  pvVisits?: boolean;
  /** The `ownership …` group to append to each line (filled by the session when `ownership` is true). */
  ownershipLine?: string;
}

const DEFAULT_MAX_MOVES = 24;

function parseFilter(kind: string, args: readonly string[], i: number): MoveFilter {
  const [c, list, depth] = [args[i + 1], args[i + 2], args[i + 3]];
  if (c === undefined || list === undefined || depth === undefined) {
    throw new GtpError(`syntax error: ${kind} expects a colour, a comma-separated vertex list and a depth, e.g. "${kind} b q16,d4 20"`);
  }
  const color = parseGtpColor(c);
  const moves = new Uint8Array(NPOINTS + 1);
  for (const v of list.split(',')) if (v !== '') moves[parseGtpVertex(v)] = 1;
  if (!/^\d+$/.test(depth) || Number(depth) < 1) throw new GtpError(`syntax error: ${kind} depth must be a whole number ≥ 1, got "${depth}"`);
  return { color, moves, allow: kind === 'allow', untilDepth: Number(depth) };
}

/**
 * Parses `[color] [interval] [key value]...` as Leela Zero and KataGo accept them: `interval N`, `maxmoves N`,
 * `minmoves N`, `avoid C LIST DEPTH`, `allow C LIST DEPTH`, `ownership B`, `pvVisits B`… (unknown keys with a value
 * are tolerated); throws GtpError naming the bad token.
 */
export function parseAnalyzeArgs(args: readonly string[]): AnalyzeArgs {
  const out: AnalyzeArgs = { color: null, intervalCs: 0, maxMoves: DEFAULT_MAX_MOVES, minMoves: 0, filters: [], ownership: false };
  let i = 0;
  if (i < args.length && /^(b|w|black|white)$/i.test(args[i]!)) out.color = parseGtpColor(args[i++]);
  if (i < args.length && /^\d+$/.test(args[i]!)) out.intervalCs = Number(args[i++]);
  while (i < args.length) {
    const key = args[i]!.toLowerCase();
    if (key === 'avoid' || key === 'allow') {
      out.filters.push(parseFilter(key, args, i));
      i += 4;
      continue;
    }
    const val = args[i + 1];
    if (val === undefined) throw new GtpError(`syntax error: analyze option "${args[i]}" has no value`);
    if (key === 'interval' || key === 'maxmoves' || key === 'minmoves') {
      if (!/^\d+$/.test(val)) throw new GtpError(`syntax error: analyze option ${key} expects a whole number, got "${val}"`);
      if (key === 'interval') out.intervalCs = Number(val);
      else if (key === 'maxmoves') out.maxMoves = Math.max(1, Number(val));
      else out.minMoves = Number(val);
    } else if (key === 'ownership') out.ownership = val.toLowerCase() === 'true';
    else if (key === 'pvvisits') out.pvVisits = val.toLowerCase() === 'true';
    i += 2;
  }
  if (out.filters.filter((f) => f.allow).length > 1) throw new GtpError('syntax error: at most one allow clause per colour is supported');
  return out;
}

function vertex(p: number): string {
  return pointToGtp(p);
}

/**
 * One analysis line from search results (`infos` best first, winrates from the side to move); '' when empty.
 * `pvVisits` (kata-analyze only, as KataGo) follows each pv with `pvVisits` and the visits along it.
 */
export function formatSearchLine(infos: readonly MoveInfo[], flavour: AnalysisFlavour, pvVisits = false): string {
  const parts: string[] = [];
  for (const m of infos) {
    const pv = m.pv.map(vertex).join(' ') + (pvVisits && flavour === 'kata' ? ` pvVisits ${m.pvVisits.join(' ')}` : '');
    if (flavour === 'lz') {
      const lcb = Math.round(Math.max(0, Math.min(1, m.lcb)) * 10000);
      parts.push(`info move ${vertex(m.move)} visits ${m.visits} winrate ${Math.round(m.winrate * 10000)} prior ${Math.round(m.prior * 10000)} lcb ${lcb} order ${m.order} pv ${pv}`);
    } else {
      parts.push(
        `info move ${vertex(m.move)} visits ${m.visits} utility ${(2 * m.winrate - 1).toFixed(6)} winrate ${m.winrate.toFixed(6)} prior ${m.prior.toFixed(6)} lcb ${m.lcb.toFixed(6)} order ${m.order} pv ${pv}`,
      );
    }
  }
  return parts.join(' ');
}

/**
 * kata-analyze's ownership group: `ownership` then 361 values in [-1, 1] from the side to move's view, row-major from
 * the top-left (A19) — Tengen's point order (p = y·19 + x, y from the top).
 */
export function formatOwnership(ownership: Float32Array): string {
  const parts = new Array<string>(NPOINTS);
  for (let p = 0; p < NPOINTS; p++) parts[p] = (Math.round(ownership[p]! * 1e6) / 1e6).toString();
  return `ownership ${parts.join(' ')}`;
}

/**
 * The policy-only line (`--policy-only`): an `info` group per move among the top `maxMoves` with at least one
 * pseudo-visit, in the chosen flavour; '' when no point has probability.
 */
export function formatPolicyLine(policy: Float32Array, flavour: AnalysisFlavour, maxMoves: number): string {
  const parts: string[] = [];
  let order = 0;
  for (const { point: p, prob: prior } of topMoves(policy, maxMoves)) {
    // topMoves stands in a pass when no point has probability; the policy has no pass output to report.
    if (p === PASS) break;
    const visits = Math.round(prior * PSEUDO_VISITS);
    if (visits < 1) break;
    const v = vertex(p);
    if (flavour === 'lz') {
      parts.push(`info move ${v} visits ${visits} winrate 5000 prior ${Math.round(prior * 10000)} lcb 5000 order ${order} pv ${v}`);
    } else {
      parts.push(`info move ${v} visits ${visits} utility 0 winrate ${(0.5).toFixed(6)} prior ${prior.toFixed(6)} lcb ${(0.5).toFixed(6)} order ${order} pv ${v}`);
    }
    order++;
  }
  return parts.join(' ');
}

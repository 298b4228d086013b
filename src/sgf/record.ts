/**
 * `GameRecord`: the plain record of one game that every other module uses (dataset builder, HTTP
 * API, GTP loadsgf), extracted from a parsed SGF tree, and written back as SGF.
 */
import { colorLetter, PASS, SIZE } from '../go/constants.js';
import { pointToSgf, sgfToPoint } from '../go/coords.js';
import type { SgfNode } from './types.js';
import { GameRecordError } from './record-error.js';
import { expandPointList } from './points.js';
import { normaliseKomi } from './komi.js';
import { variationLine } from './tree.js';
import { writeSgf } from './writer.js';

export { GameRecordError } from './record-error.js';

/** Setup stones (AB/AW/AE) as points p = y*19+x. */
export interface SetupStones {
  black: number[];
  white: number[];
  empty: number[];
}

export interface GameRecord {
  size: number;
  /** Komi in points after normalisation (see komi.ts); null when KM is absent or not a number. */
  komi: number | null;
  handicap: number;
  rules: string | null;
  /** AB/AW/AE of the root node and of any node before the first move (the starting position). */
  setup: SetupStones;
  /** AB/AW/AE of later nodes on the chosen line, applied once `moveIndex` moves have been played. */
  laterSetup: (SetupStones & { moveIndex: number })[];
  /** PL[] of the root if present. */
  initialPlayer: 1 | 2 | null;
  /** Moves of the chosen line (main line by default); PASS = 361. */
  moves: { color: 1 | 2; point: number }[];
  result: string | null;
  players: { black?: string; white?: string };
  ranks: { black?: string; white?: string };
  date: string | null;
  gameName: string | null;
  /** All root properties as parsed (raw values, unknown ones kept), e.g. KM[750] stays '750' here. */
  properties: Record<string, string[]>;
}

function first(props: Record<string, string[]>, id: string): string | null {
  const v = props[id];
  if (v === undefined || v.length === 0) return null;
  const s = v[0]!.trim();
  return s === '' ? null : s;
}

function parseSize(raw: string | null): number {
  if (raw === null) return SIZE;
  const m = /^(\d+)(?:\s*:\s*(\d+))?$/.exec(raw);
  if (!m) throw new GameRecordError(`bad SZ value '${raw}': expected a number such as 19`, 'bad-property', 'SZ');
  const w = Number(m[1]);
  const h = m[2] === undefined ? w : Number(m[2]);
  if (w !== SIZE || h !== SIZE) {
    const shown = w === h ? String(w) : `${w}x${h}`;
    throw new GameRecordError(`board size ${shown} is not supported (SZ[${raw}]); Tengen reads 19×19 games only`, 'board-size', 'SZ');
  }
  return SIZE;
}

function parsePlayer(raw: string | null): 1 | 2 | null {
  if (raw === null) return null;
  const s = raw.toLowerCase();
  if (s === 'b' || s === 'black' || s === '1') return 1;
  if (s === 'w' || s === 'white' || s === '2') return 2;
  throw new GameRecordError(`bad PL value '${raw}': expected B or W`, 'bad-property', 'PL');
}

function setupOf(props: Record<string, string[]>, where: string): SetupStones | null {
  const ab = props.AB;
  const aw = props.AW;
  const ae = props.AE;
  if (ab === undefined && aw === undefined && ae === undefined) return null;
  return {
    black: ab ? expandPointList(ab, 'AB', where) : [],
    white: aw ? expandPointList(aw, 'AW', where) : [],
    empty: ae ? expandPointList(ae, 'AE', where) : [],
  };
}

/**
 * Extracts the game record of a parsed game: root information and the moves of the main line, or
 * of the variation chosen by `path` (child index at each fork, see `variationLine`). Throws
 * GameRecordError for a board other than 19×19, bad coordinates, a node with both B and W, a bad
 * HA/PL value or a bad path.
 */
export function toGameRecord(root: SgfNode, opts: { path?: number[] } = {}): GameRecord {
  const props = root.props;
  const size = parseSize(first(props, 'SZ'));
  const kmRaw = first(props, 'KM');
  const haRaw = first(props, 'HA');
  if (haRaw !== null && !/^\d+$/.test(haRaw)) {
    throw new GameRecordError(`bad HA value '${haRaw}': expected a whole number`, 'bad-property', 'HA');
  }
  let line: SgfNode[];
  try {
    line = variationLine(root, opts.path ?? []);
  } catch (e) {
    throw new GameRecordError((e as Error).message, 'bad-path');
  }
  const rec: GameRecord = {
    size,
    komi: kmRaw === null ? null : normaliseKomi(kmRaw),
    handicap: haRaw === null ? 0 : Number(haRaw),
    rules: first(props, 'RU'),
    setup: setupOf(props, 'in the root node') ?? { black: [], white: [], empty: [] },
    laterSetup: [],
    initialPlayer: parsePlayer(first(props, 'PL')),
    moves: [],
    result: first(props, 'RE'),
    players: {},
    ranks: {},
    date: first(props, 'DT'),
    gameName: first(props, 'GN'),
    properties: {},
  };
  const pb = first(props, 'PB');
  const pw = first(props, 'PW');
  const br = first(props, 'BR');
  const wr = first(props, 'WR');
  if (pb !== null) rec.players.black = pb;
  if (pw !== null) rec.players.white = pw;
  if (br !== null) rec.ranks.black = br;
  if (wr !== null) rec.ranks.white = wr;
  for (const id in props) rec.properties[id] = props[id]!.slice();

  for (let k = 0; k < line.length; k++) {
    const np = line[k]!.props;
    const moveNumber = rec.moves.length + 1;
    if (k > 0) {
      const s = setupOf(np, `before move ${moveNumber}`);
      // Setup before the first move (Fox puts handicap AB in the node after the root) is still the
      // starting position; only setup after moves needs its own move index.
      if (s !== null && rec.moves.length === 0) {
        rec.setup.black.push(...s.black);
        rec.setup.white.push(...s.white);
        rec.setup.empty.push(...s.empty);
      } else if (s !== null) rec.laterSetup.push({ moveIndex: rec.moves.length, ...s });
    }
    const b = np.B;
    const w = np.W;
    if (b === undefined && w === undefined) continue;
    if (b !== undefined && w !== undefined) {
      throw new GameRecordError(`move ${moveNumber}: node ${k} has both B[${b[0]}] and W[${w[0]}]`, 'bad-move', 'B', moveNumber);
    }
    const id = b !== undefined ? 'B' : 'W';
    const values = (b ?? w)!;
    if (values.length !== 1) {
      throw new GameRecordError(`move ${moveNumber}: ${id} has ${values.length} values, expected one`, 'bad-move', id, moveNumber);
    }
    let point: number;
    try {
      point = sgfToPoint(values[0]!.trim());
    } catch (e) {
      throw new GameRecordError(`move ${moveNumber} (${id}[${values[0]}]): ${(e as Error).message}`, 'bad-point', id, moveNumber);
    }
    rec.moves.push({ color: id === 'B' ? 1 : 2, point });
  }
  return rec;
}

const pointValues = (ps: readonly number[]): string[] => ps.map((p) => pointToSgf(p));

function setupProps(s: SetupStones, into: Record<string, string[]>): void {
  if (s.black.length > 0) into.AB = pointValues(s.black);
  if (s.white.length > 0) into.AW = pointValues(s.white);
  if (s.empty.length > 0) into.AE = pointValues(s.empty);
}

/**
 * Writes a record as a one-game SGF (FF[4], CA[UTF-8]): the record's fields decide SZ, KM (in
 * points), HA, RU, PL, RE, players, ranks, DT, GN and setup; other root properties are copied from
 * `properties`; moves and later setup become one node each. Throws Error for an invalid point.
 */
export function recordToSgf(rec: GameRecord): string {
  const root: Record<string, string[]> = { GM: ['1'], FF: ['4'], CA: ['UTF-8'], SZ: [String(SIZE)] };
  const known = new Set(['GM', 'FF', 'CA', 'SZ', 'KM', 'HA', 'RU', 'PL', 'RE', 'PB', 'PW', 'BR', 'WR', 'DT', 'GN', 'AB', 'AW', 'AE', 'B', 'W']);
  const put = (id: string, v: string | null | undefined): void => {
    if (v !== null && v !== undefined) root[id] = [v];
  };
  put('KM', rec.komi === null ? null : String(rec.komi));
  put('HA', rec.handicap > 0 ? String(rec.handicap) : null);
  put('RU', rec.rules);
  put('PL', rec.initialPlayer === null ? null : colorLetter(rec.initialPlayer));
  put('RE', rec.result);
  put('PB', rec.players.black);
  put('PW', rec.players.white);
  put('BR', rec.ranks.black);
  put('WR', rec.ranks.white);
  put('DT', rec.date);
  put('GN', rec.gameName);
  setupProps(rec.setup, root);
  for (const id in rec.properties) if (!known.has(id)) root[id] = rec.properties[id]!.slice();

  const tree: SgfNode = { props: root, children: [] };
  let tail = tree;
  const append = (props: Record<string, string[]>): void => {
    const node: SgfNode = { props, children: [] };
    tail.children.push(node);
    tail = node;
  };
  const later = [...rec.laterSetup].sort((a, b) => a.moveIndex - b.moveIndex);
  let s = 0;
  for (let m = 0; m <= rec.moves.length; m++) {
    for (; s < later.length && later[s]!.moveIndex === m; s++) {
      const props: Record<string, string[]> = {};
      setupProps(later[s]!, props);
      if (Object.keys(props).length > 0) append(props);
    }
    if (m === rec.moves.length) break;
    const mv = rec.moves[m]!;
    append({ [colorLetter(mv.color)]: [mv.point === PASS ? '' : pointToSgf(mv.point)] });
  }
  return writeSgf(tree);
}

// Minimal Go rules for display (stones and captures); the server is the judge of legality (ko, superko, suicide).
export const SIZE = 19;
export const COLUMNS = 'ABCDEFGHJKLMNOPQRST';
const SGF = 'abcdefghijklmnopqrs';

/** GTP vertex of point p = y*19 + x ('Q16'); 'pass' for -1. */
export function toGtp(p) {
  return p < 0 ? 'pass' : COLUMNS[p % SIZE] + String(SIZE - Math.floor(p / SIZE));
}

/** Point of a GTP vertex or SGF point; -1 for pass; null if unreadable. */
export function toPoint(v) {
  const s = String(v).trim();
  if (s === '' || s.toLowerCase() === 'pass' || s === 'tt') return -1;
  let m = /^([A-HJ-Ta-hj-t])(\d{1,2})$/.exec(s);
  if (m) {
    const x = COLUMNS.indexOf(m[1].toUpperCase());
    const row = Number(m[2]);
    return row >= 1 && row <= SIZE ? (SIZE - row) * SIZE + x : null;
  }
  m = /^([a-s])([a-s])$/.exec(s);
  return m ? SGF.indexOf(m[2]) * SIZE + SGF.indexOf(m[1]) : null;
}

function neighbours(p) {
  const x = p % SIZE, y = Math.floor(p / SIZE), out = [];
  if (x > 0) out.push(p - 1);
  if (x < SIZE - 1) out.push(p + 1);
  if (y > 0) out.push(p - SIZE);
  if (y < SIZE - 1) out.push(p + SIZE);
  return out;
}

function groupWithoutLiberties(stones, p) {
  const c = stones[p], seen = new Set([p]), stack = [p];
  while (stack.length) {
    const q = stack.pop();
    for (const n of neighbours(q)) {
      if (stones[n] === 0) return null;
      if (stones[n] === c && !seen.has(n)) { seen.add(n); stack.push(n); }
    }
  }
  return seen;
}

/** Stones (0 empty, 1 black, 2 white) after setup and moves [{color, point}]; captures applied. */
export function replay(setup, moves) {
  const stones = new Uint8Array(SIZE * SIZE);
  for (const p of setup.black) stones[p] = 1;
  for (const p of setup.white) stones[p] = 2;
  for (const { color, point } of moves) {
    if (point < 0) continue;
    stones[point] = color;
    for (const n of neighbours(point)) {
      if (stones[n] === 3 - color) {
        const dead = groupWithoutLiberties(stones, n);
        if (dead) for (const d of dead) stones[d] = 0;
      }
    }
    const self = groupWithoutLiberties(stones, point);
    if (self) for (const d of self) stones[d] = 0;
  }
  return stones;
}

/** Main line of the first game of an SGF text: root setup, first player, moves. Throws on no game. */
export function parseSgfMainLine(text) {
  const start = text.indexOf('(');
  if (start < 0) throw new Error('no SGF game found (expected "(;")');
  const setup = { black: [], white: [] };
  const moves = [];
  let i = start, firstPlayer = null;
  // The main line follows the first child at every fork, so it ends at the first ')' of the text.
  const propRe = /([A-Z]{1,2})((?:\s*\[(?:\\.|[^\]\\])*\])+)/y;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ')') break;
    if (ch === '(') {
      i++;
    } else if (ch === ';' || /\s/.test(ch)) {
      i++;
    } else {
      propRe.lastIndex = i;
      const m = propRe.exec(text);
      if (!m) { i++; continue; }
      i = propRe.lastIndex;
      const values = [...m[2].matchAll(/\[((?:\\.|[^\]\\])*)\]/g)].map((v) => v[1]);
      if (m[1] === 'B' || m[1] === 'W') {
        const p = toPoint(values[0]);
        if (p !== null) moves.push({ color: m[1] === 'B' ? 1 : 2, point: p });
      } else if (m[1] === 'AB' || m[1] === 'AW') {
        for (const v of values) {
          const [a, b] = v.split(':');
          const pa = toPoint(a), pb = b === undefined ? pa : toPoint(b);
          if (pa === null || pb === null || pa < 0) continue;
          for (let y = Math.floor(pa / SIZE); y <= Math.floor(pb / SIZE); y++)
            for (let x = pa % SIZE; x <= pb % SIZE; x++) (m[1] === 'AB' ? setup.black : setup.white).push(y * SIZE + x);
        }
      } else if (m[1] === 'PL') {
        firstPlayer = /^[wW]/.test(values[0]) ? 2 : 1;
      } else if (m[1] === 'SZ' && values[0].trim() !== '19') {
        throw new Error(`board size ${values[0]} is not supported (19×19 only)`);
      }
    }
  }
  return { setup, moves, firstPlayer };
}

/** The game trees of an SGF text, each as its own text (property values may hold brackets and parentheses). */
export function splitGames(text) {
  const games = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '[') {
      // Skip the value: up to the first unescaped ']'.
      for (i++; i < text.length && text[i] !== ']'; i++) if (text[i] === '\\') i++;
    } else if (ch === '(') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === ')' && depth > 0) {
      depth--;
      if (depth === 0) games.push(text.slice(start, i + 1));
    }
  }
  return games;
}

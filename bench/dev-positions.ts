// Mid-game positions of the first tom9d/dev file as GTP move lists: the inputs of the serving and latency
// benchmarks (games of 160+ moves without setup; position k is cut after first + (37k mod span) moves).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pointToGtp } from '../src/go/coords.js';
import { parseSgf, toGameRecord } from '../src/sgf/index.js';

/** Up to `limit` positions, each the first `first + (37k mod span)` moves of one dev game. */
export function devMoveLists(repo: string, limit: number, first: number, span: number): string[][] {
  const dir = path.resolve(repo, '../shared/data/tom9d/dev');
  if (!existsSync(dir)) throw new Error(`${dir} is missing: the benchmark needs ../shared/data (see README)`);
  const file = readdirSync(dir).filter((f) => f.endsWith('.sgf.gz')).sort()[0]!;
  const { games } = parseSgf(gunzipSync(readFileSync(path.join(dir, file))).toString('utf8'));
  const out: string[][] = [];
  let k = 0;
  for (const g of games) {
    const rec = toGameRecord(g);
    if (rec.moves.length < 160 || rec.setup.black.length + rec.setup.white.length > 0) continue;
    const n = first + ((k++ * 37) % span);
    out.push(rec.moves.slice(0, n).map((m) => pointToGtp(m.point)));
    if (out.length >= limit) break;
  }
  return out;
}

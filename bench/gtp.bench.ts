// GTP engine overhead without a model: move choice (candidate filter + pass rule) on real mid-game positions and a
// full genmove round trip through the protocol loop with the fake policy. Usage: npx tsx bench/gtp.bench.ts [--quick]
import { PassThrough } from 'node:stream';
import { Board } from '../src/go/board.js';
import { PASS } from '../src/go/constants.js';
import { MoveChooser } from '../src/gtp/move-choice.js';
import { FakePolicy } from '../src/gtp/policy-source.js';
import { serveGtp } from '../src/gtp/serve.js';
import { GtpSession } from '../src/gtp/session.js';

const quick = process.argv.includes('--quick');
const plies = quick ? 150 : 400;

// Positions from a fake self-play game, so the numbers do not depend on the shared data.
const fake = new FakePolicy();
const chooser = new MoveChooser();
const positions: Board[] = [];
const policies: Float32Array[] = [];
const b = new Board();
for (let i = 0; i < plies; i++) {
  const pol = await fake.policy(b);
  positions.push(b.clone());
  policies.push(pol);
  const d = chooser.choose(b, pol);
  b.play(d.point);
  if (d.point === PASS && b.lastMoves(2).every((m) => m === PASS)) break;
}

let t0 = performance.now();
let n = 0;
const reps = quick ? 3 : 10;
for (let r = 0; r < reps; r++) for (let i = 0; i < positions.length; i++, n++) chooser.choose(positions[i]!, policies[i]!);
const chooseRate = n / ((performance.now() - t0) / 1000);

// Round trip: genmove through parse → session → policy → choose → play → format, in-process.
const session = new GtpSession(new FakePolicy());
const stdin = new PassThrough();
const stdout = new PassThrough();
let replies = 0;
stdout.on('data', (d: Buffer) => (replies += d.toString().split('\n\n').length - 1));
const done = serveGtp(session, stdin, stdout);
const games = quick ? 1 : 3;
t0 = performance.now();
let sent = 0;
for (let g = 0; g < games; g++) {
  stdin.write('clear_board\n');
  sent++;
  for (let i = 0; i < 300; i++, sent++) stdin.write(`genmove ${i % 2 ? 'w' : 'b'}\n`);
}
stdin.end();
await done;
const rtRate = (sent - games) / ((performance.now() - t0) / 1000);

// Peer: GnuGo --level 1 measured by `tengen match` in test/gtp/match.test.ts (≈ 130 ms per move on this machine).
const GNUGO_MS = 130;
console.log(`| measure | rate | vs GnuGo level 1 (${GNUGO_MS} ms/move) |`);
console.log('|---|---:|---:|');
console.log(`| MoveChooser.choose (${positions.length} positions × ${reps}) | ${chooseRate.toFixed(0)} /s | ${((chooseRate * GNUGO_MS) / 1000).toFixed(0)}× |`);
console.log(`| genmove round trip, fake policy (${replies - games} replies) | ${rtRate.toFixed(0)} /s | ${((rtRate * GNUGO_MS) / 1000).toFixed(0)}× |`);

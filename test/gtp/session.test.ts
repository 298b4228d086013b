import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { gtpToPoint } from '../../src/go/coords.js';
import { FakePolicy } from '../../src/gtp/policy-source.js';
import { serveGtp } from '../../src/gtp/serve.js';
import { GtpSession } from '../../src/gtp/session.js';

/** Feeds `input` to a fresh session and returns everything written to stdout. */
async function run(input: string | Buffer, session = new GtpSession(new FakePolicy())): Promise<string> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const done = serveGtp(session, stdin, stdout);
  stdin.end(input);
  await done;
  return out;
}

/** Splits a transcript into responses (each without its terminating blank line). */
const responses = (out: string): string[] => out.split('\n\n').filter((s) => s !== '');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-gtp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('GTP session: required commands', () => {
  it('answers the administrative commands with echoed ids', async () => {
    const out = await run('1 protocol_version\n2 name\n3 version\n4 known_command play\n5 known_command frobnicate\n6 KNOWN_COMMAND kata-analyze\n');
    expect(responses(out)).toEqual(['=1 2', '=2 Tengen', '=3 0.17 (Tengen 0.1.0; lz-analyze as in Leela Zero 0.17)', '=4 true', '=5 false', '=6 true']);
  });

  it('lists every required, common and analysis command', async () => {
    const listed = (await run('list_commands\n')).replace(/^= /, '').trim().split('\n');
    for (const c of [
      'protocol_version', 'name', 'version', 'known_command', 'list_commands', 'quit', 'boardsize', 'clear_board', 'komi',
      'play', 'genmove', 'undo', 'showboard', 'fixed_handicap', 'place_free_handicap', 'set_free_handicap', 'loadsgf',
      'reg_genmove', 'final_score', 'time_settings', 'time_left', 'kgs-time_settings', 'kgs-genmove_cleanup',
      'lz-analyze', 'kata-analyze', 'lz-genmove_analyze', 'kata-genmove_analyze',
    ]) expect(listed).toContain(c);
  });

  it('accepts only 19×19 and clears the board on boardsize', async () => {
    const out = await run('play b D4\nboardsize 13\nfinal_score\nboardsize 19\nfinal_score\nboardsize x\n');
    // One black stone owns the whole empty board: 361 - 7.5.
    expect(responses(out)).toEqual(['= ', '? unacceptable size', '= B+353.5', '= ', '= W+7.5', '? syntax error: board size must be a whole number, got "x"']);
  });

  it('plays, rejects illegal moves and bad vertices, undoes and scores', async () => {
    const out = await run(
      ['komi 0.5', 'play B d4', 'play white D4', 'play w Z5', 'play w T20', 'play black', 'play purple D5', 'play W q16', 'final_score', 'undo', 'undo', 'undo', 'final_score'].join('\n') + '\n',
    );
    const r = responses(out);
    expect(r[0]).toBe('= ');
    expect(r[1]).toBe('= ');
    expect(r[2]).toBe('? illegal move');
    expect(r[3]).toMatch(/^\? syntax error: .*Z5/);
    expect(r[4]).toMatch(/^\? syntax error: .*row 20/);
    expect(r[5]).toMatch(/^\? syntax error: expected a color and a vertex/);
    expect(r[6]).toMatch(/^\? syntax error: invalid color "purple"/);
    expect(r[7]).toBe('= ');
    // D4 and Q16 share one region: neither owns it, 1 - 1 - 0.5.
    expect(r[8]).toBe('= W+0.5');
    expect(r.slice(9)).toEqual(['= ', '= ', '? cannot undo', '= W+0.5']);
  });

  it('reports the simple ko as an illegal move', async () => {
    // Black captures at E5 (stone on D5 removed); White may not retake at D5 at once.
    const setup = ['play b D6', 'play b C5', 'play b D4', 'play w E6', 'play w F5', 'play w E4', 'play w D5', 'play b E5', 'play w D5'];
    const r = responses(await run(setup.join('\n') + '\n'));
    expect(r.slice(0, 8).every((x) => x === '= ')).toBe(true);
    expect(r[8]).toBe('? illegal move');
  });

  it('genmove plays a legal move for the named colour; reg_genmove does not play', async () => {
    const s = new GtpSession(new FakePolicy());
    const r = responses(await run('reg_genmove b\nreg_genmove B\nfinal_score\ngenmove black\nshowboard\n', s));
    expect(r[0]).toBe(r[1]);
    expect(r[2]).toBe('= W+7.5');
    const v = r[3]!.slice(2);
    expect(v).toBe(r[0]!.slice(2)); // same position, same deterministic choice
    const p = gtpToPoint(v);
    expect(s.board.colorAt(p)).toBe(1);
    expect(s.board.toPlay).toBe(2);
    expect(r[4]).toContain('White to play, move 1');
  });

  it('handicap commands: fixed points, errors, White to move, not undoable', async () => {
    const r = responses(await run('fixed_handicap 3\nfixed_handicap 2\nundo\nclear_board\nfixed_handicap 10\nfixed_handicap 1\nset_free_handicap D4 D4\nset_free_handicap D4 Q16 K10\nfinal_score\ngenmove b\n'));
    expect(r[0]).toBe('= D4 Q16 D16');
    expect(r[1]).toBe('? board not empty');
    expect(r[2]).toBe('? cannot undo');
    expect(r[3]).toBe('= ');
    expect(r[4]).toBe('? invalid number of stones');
    expect(r[5]).toBe('? invalid number of stones');
    expect(r[6]).toBe('? bad vertex list');
    expect(r[7]).toBe('= ');
    expect(r[8]).toBe('= B+353.5'); // 3 black stones own the board: 361 - 7.5
    expect(r[9]).toMatch(/^= [A-T]\d+$/);
  });

  it('place_free_handicap: fixed points up to 9, policy points beyond', async () => {
    const r = responses(await run('place_free_handicap 4\nclear_board\nplace_free_handicap 12\n'));
    expect(r[0]).toBe('= D4 Q16 D16 Q4');
    const pts = r[2]!.slice(2).split(' ');
    expect(pts.length).toBe(12);
    expect(pts.slice(0, 9)).toEqual(['D4', 'Q16', 'D16', 'Q4', 'D10', 'Q10', 'K4', 'K16', 'K10']);
    expect(new Set(pts).size).toBe(12);
  });

  it('loadsgf sets the position before the given move, with komi', async () => {
    const f = path.join(tmp, 'g.sgf');
    writeFileSync(f, '(;GM[1]FF[4]SZ[19]KM[6.5];B[pd];W[dp];B[pp])');
    const s = new GtpSession(new FakePolicy());
    const r = responses(await run(`loadsgf ${f} 3\nfinal_score\nloadsgf ${f}\nundo\nundo\nundo\nundo\nloadsgf ${path.join(tmp, 'missing.sgf')}\nloadsgf ${f} 0\n`, s));
    expect(r[0]).toBe('= black');
    expect(r[1]).toBe('= W+6.5'); // Q16 and D4 share the board: 1 - 1 - 6.5
    expect(r[2]).toBe('= white');
    expect(r.slice(3, 7)).toEqual(['= ', '= ', '= ', '? cannot undo']);
    expect(r[7]).toMatch(/^\? cannot load file: /);
    expect(r[8]).toMatch(/^\? syntax error: move number must be at least 1/);
  });

  it('loadsgf rejects other board sizes', async () => {
    const f = path.join(tmp, 'small.sgf');
    writeFileSync(f, '(;GM[1]FF[4]SZ[9];B[cc])');
    const r = responses(await run(`loadsgf ${f}\n`));
    expect(r[0]).toMatch(/^\? cannot load file: .*board size 9/);
  });

  it('time commands accept valid settings and reject bad ones', async () => {
    const s = new GtpSession(new FakePolicy());
    const r = responses(
      await run('time_settings 300 30 5\ntime_left b 120 0\ntime_settings 300 x 5\nkgs-time_settings byoyomi 600 30 5\nkgs-time_settings none\nkgs-time_settings absolute\nkgs-time_settings sudden 3\n', s),
    );
    expect(r.slice(0, 2)).toEqual(['= ', '= ']);
    expect(r[2]).toMatch(/^\? syntax error: byo-yomi time/);
    expect(r.slice(3, 5)).toEqual(['= ', '= ']);
    expect(r[5]).toMatch(/^\? syntax error/);
    expect(r[6]).toMatch(/^\? syntax error: time system/);
    expect(s.clock.system).toBe('none');
    expect(s.clock.left[1]).toEqual({ time: 120, stones: 0 });
  });

  it('quit answers and stops reading', async () => {
    expect(await run('1 quit\n2 name\n')).toBe('=1 \n\n');
  });
});

describe('GTP session: robustness', () => {
  it('answers garbage, binary, unknown commands and empty ids and keeps serving', async () => {
    const junk = Buffer.concat([
      Buffer.from('foo bar\n42\n\x00\x01\x02\n'),
      Buffer.from([0xff, 0xfe, 0x80, 0x41, 0x0a]),
      Buffer.from('# comment\n   \n\t\n'),
      Buffer.from('x'.repeat(70 * 1024) + '\n'),
      Buffer.from('212 play b ' + 'x'.repeat(70 * 1024) + '\n'),
      Buffer.from('9 name\r\n'),
    ]);
    const r = responses(await run(junk));
    expect(r[0]).toBe('? unknown command');
    expect(r[1]).toBe('?42 syntax error: missing command name');
    expect(r[2]).toBe('? unknown command'); // the binary line
    expect(r[3]).toMatch(/^\? command line longer than/);
    expect(r[4]).toMatch(/^\?212 command line longer than 65536 bytes ignored$/); // the id survives the cut
    expect(r[5]).toBe('=9 Tengen');
    expect(r.length).toBe(6);
  });

  it('survives a policy source that throws', async () => {
    const broken = { name: 'broken', policy: async (): Promise<Float32Array> => { throw new Error('GPU on fire'); } };
    const r = responses(await run('genmove b\nname\nplay b D4\n', new GtpSession(broken)));
    expect(r[0]).toBe('? internal error in genmove: GPU on fire');
    expect(r.slice(1)).toEqual(['= Tengen', '= ']);
  });

  it('a full self-play game ends in two passes with only legal moves', async () => {
    const s = new GtpSession(new FakePolicy());
    const ref = new Board();
    let passes = 0;
    let moves = 0;
    for (; passes < 2 && moves < 900; moves++) {
      const c = moves % 2 === 0 ? 'b' : 'w';
      const out = await run(`genmove ${c}\n`, s);
      const v = out.slice(2).trim();
      const p = gtpToPoint(v);
      expect(ref.legality(p, c === 'b' ? 1 : 2)).toBeNull();
      ref.play(p, c === 'b' ? 1 : 2);
      passes = v === 'pass' ? passes + 1 : 0;
    }
    expect(passes).toBe(2);
    expect(s.board.hashKey()).toBe(ref.hashKey());
  });
});

describe('GTP session: analysis', () => {
  /** Starts a session on piped streams; returns helpers to send lines and read the transcript. */
  function live(session = new GtpSession(new FakePolicy())) {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const done = serveGtp(session, stdin, stdout);
    const until = async (pred: (o: string) => boolean, ms = 5000): Promise<void> => {
      const t0 = Date.now();
      while (!pred(out)) {
        if (Date.now() - t0 > ms) throw new Error(`timeout; transcript so far: ${out.slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    return { stdin, done, until, get out() { return out; } };
  }

  it('lz-analyze streams info lines until the next command, in Leela Zero format', async () => {
    const g = live();
    g.stdin.write('play b Q16\n7 lz-analyze 10\n');
    await g.until((o) => o.split('\ninfo ').length >= 3); // the first line plus at least one repeat
    g.stdin.write('8 name\n');
    g.stdin.end();
    await g.done;
    const [play, stream, name] = responses(g.out);
    expect(play).toBe('= ');
    expect(name).toBe('=8 Tengen');
    const lines = stream!.split('\n');
    expect(lines[0]).toBe('=7');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const first = lines[1]!;
    expect(lines.slice(1).every((l) => l === first)).toBe(true);
    const groups = first.split(/(?=info move )/).map((x) => x.trim());
    let lastPrior = Infinity;
    groups.forEach((grp, i) => {
      const m = /^info move ([A-T]\d+) visits (\d+) winrate 5000 prior (\d+) lcb 5000 order (\d+) pv ([A-T]\d+)$/.exec(grp);
      expect(m, grp).not.toBeNull();
      expect(Number(m![4])).toBe(i);
      expect(m![5]).toBe(m![1]);
      expect(m![1]).not.toBe('Q16'); // occupied points carry no probability
      expect(Number(m![3])).toBeLessThanOrEqual(lastPrior);
      lastPrior = Number(m![3]);
      // pseudo-visits = prior × 1000 = (prior × 10000) / 10, up to rounding
      expect(Math.abs(Number(m![2]) - Number(m![3]) / 10)).toBeLessThanOrEqual(1);
    });
  });

  it('kata-analyze reports priors as floats that match the policy, for the requested colour', async () => {
    const fake = new FakePolicy();
    const s = new GtpSession(fake);
    const g = live(s);
    g.stdin.write('kata-analyze w interval 20 maxmoves 5\n');
    await g.until((o) => o.includes('info move'));
    g.stdin.write('showboard\n');
    g.stdin.end();
    await g.done;
    const stream = responses(g.out)[0]!;
    const groups = stream.split('\n')[1]!.split(/(?=info move )/).map((x) => x.trim());
    expect(groups.length).toBe(5);
    const view = new Board();
    view.toPlay = 2;
    const pol = await fake.policy(view);
    for (const grp of groups) {
      const m = /^info move (\S+) visits \d+ utility 0 winrate 0\.500000 prior (0\.\d{6}) lcb 0\.500000 order \d pv \S+$/.exec(grp);
      expect(m, grp).not.toBeNull();
      expect(Number(m![2])).toBeCloseTo(pol[gtpToPoint(m![1]!)]!, 6);
    }
    expect(s.board.toPlay).toBe(1); // analysis for White did not change the game's side to move
    expect(responses(g.out)[1]).toContain('Black to play');
  });

  it('genmove_analyze sends info lines then the move, and plays it', async () => {
    const s = new GtpSession(new FakePolicy());
    const out = await run('3 lz-genmove_analyze b 50\nkata-genmove_analyze w\n', s);
    const [a, b] = responses(out);
    const la = a!.split('\n');
    expect(la[0]).toBe('=3');
    expect(la[1]).toMatch(/^info move /);
    expect(la[2]).toMatch(/^play [A-T]\d+$/);
    // The move played is the top entry of the analysis (argmax).
    expect(la[2]!.slice(5)).toBe(/^info move (\S+)/.exec(la[1]!)![1]);
    expect(b!.split('\n')[2]).toMatch(/^play [A-T]\d+$/);
    expect(s.board.moveNumber).toBe(2);
  });

  it('rejects bad analyze arguments', async () => {
    const r = responses(await run('lz-analyze b interval\nlz-analyze maxmoves x\nname\n'));
    expect(r[0]).toMatch(/^\? syntax error: analyze option "interval" has no value/);
    expect(r[1]).toMatch(/^\? syntax error: analyze option maxmoves/);
    expect(r[2]).toBe('= Tengen');
  });
});

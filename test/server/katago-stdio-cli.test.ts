// `tengen analysis` as a child process launched the way KaTrain launches `katago analysis` (-model, -config,
// -override-config): the KataGo arguments are accepted, queries on stdin, answers on stdout, and at end of input
// every accepted query is answered before the process exits.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { katagoArgs } from '../../src/cli/commands/analysis.js';
import { makeTinyModel } from '../engine/model-fixture.js';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = path.join(root, 'bin/tengen.js');

describe('tengen analysis (stdio)', () => {
  let model: Awaited<ReturnType<typeof makeTinyModel>>;
  beforeAll(async () => {
    model = await makeTinyModel();
  });
  afterAll(() => model?.cleanup());

  it('splits KataGo arguments and reads maxVisits from -override-config', () => {
    const { ignored, overrides } = katagoArgs(['-model', 'kata.bin.gz', '-config', 'analysis.cfg', '-override-config', 'maxVisits=30, homeDataDir=/x', '-quit-without-waiting']);
    expect(ignored).toEqual(['-model kata.bin.gz', '-config analysis.cfg', '-override-config maxVisits=30, homeDataDir=/x', '-quit-without-waiting']);
    expect(overrides.get('maxVisits')).toBe('30');
    expect(overrides.get('homeDataDir')).toBe('/x');
  });

  it('answers queries from stdin and exits after the last answer', async () => {
    const child = spawn(process.execPath, [bin, 'analysis', '-model', 'kata.bin.gz', '-config', 'analysis.cfg', '-override-config', 'maxVisits=12', '--model', model.dir, '--backend', 'cpu'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.stdin.write(JSON.stringify({ id: 'v', action: 'query_version' }) + '\n');
    child.stdin.write(JSON.stringify({ id: 'q', moves: [['B', 'Q16'], ['W', 'D4']], rules: 'chinese', komi: 7.5, boardXSize: 19, boardYSize: 19, analyzeTurns: [0, 2] }) + '\n');
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(0);
    expect(err).toMatch(/ignoring KataGo arguments: -model kata\.bin\.gz/);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines[0]).toMatchObject({ id: 'v', action: 'query_version' });
    const answers = lines.filter((l) => l.id === 'q');
    expect(answers.map((a) => a.turnNumber).sort()).toEqual([0, 2]);
    for (const a of answers) expect(a.rootInfo.visits).toBe(12); // the default from -override-config maxVisits=12
  });
});

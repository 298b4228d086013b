// src/README.md's import table, enforced: every import (static, dynamic, type-only) of every module under src/
// must be allowed by the row of the importing folder. The table is read from the README, so the README stays the
// one home of the rule: change the table and this test follows.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const readme = readFileSync(path.join(SRC, 'README.md'), 'utf8');

interface Rule {
  everything: boolean;
  folders: Set<string>;
  files: Set<string>;
}

/** The table's rows: `| \`dir/\` | concern | may import |`, the last column naming folders (`x/`) or files (`x/y.ts`). */
function parseTable(text: string): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  for (const line of text.split('\n')) {
    const m = /^\| `([a-z-]+)\/` \|[^|]*\| ([^|]*) \|$/.exec(line);
    if (!m) continue;
    const allowed = m[2]!;
    const rule: Rule = { everything: /\beverything\b/.test(allowed), folders: new Set(), files: new Set() };
    for (const [, token] of allowed.matchAll(/`([^`]+)`/g)) {
      if (token!.endsWith('/')) rule.folders.add(token!.slice(0, -1));
      else rule.files.add(token!);
    }
    rules.set(m[1]!, rule);
  }
  return rules;
}

/** The folders the README says never import tfjs. */
function tfjsFree(text: string): string[] {
  const line = text.split('\n').find((l) => l.includes('never import tfjs'));
  return line ? [...line.split('never import tfjs')[0]!.matchAll(/`([a-z-]+)\/`/g)].map((m) => m[1]!) : [];
}

interface Import {
  from: string; // file relative to src/
  spec: string;
}

function importsOf(rel: string): Import[] {
  const text = readFileSync(path.join(SRC, rel), 'utf8');
  const out: Import[] = [];
  // Static imports and re-exports (including `import type`), side-effect imports, dynamic import('…').
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) out.push({ from: rel, spec: (m[1] ?? m[2] ?? m[3])! });
  return out;
}

const rules = parseTable(readme);
const files = readdirSync(SRC, { recursive: true })
  .map(String)
  .filter((f) => /\.(ts|mjs)$/.test(f))
  .map((f) => f.split(path.sep).join('/'));
const folders = [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))].sort();

/** Why `imp` breaks the table, or null when it is allowed. */
function violation(imp: Import): string | null {
  const folder = imp.from.includes('/') ? imp.from.split('/')[0]! : null;
  if (imp.spec.startsWith('@tensorflow/')) return folder && tfjsFree(readme).includes(folder) ? `${folder}/ never imports tfjs` : null;
  if (!imp.spec.startsWith('.')) return null; // other packages: not what the table is about
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(imp.from), imp.spec)).replace(/\.js$/, '.ts');
  const targetFolder = target.includes('/') ? target.split('/')[0]! : null;
  if (targetFolder === folder) return null;
  if (folder === null) return `src/${imp.from} is a top-level module: it imports no folder`;
  if (targetFolder === null) return null; // config.ts, log.ts, stats.ts: open to every folder
  const rule = rules.get(folder)!;
  if (rule.everything || rule.folders.has(targetFolder) || rule.files.has(target)) return null;
  return `${folder}/ may not import ${target}`;
}

describe("src/README.md's import table", () => {
  it('has a row for every folder under src/, and reads as expected', () => {
    expect(folders.filter((f) => !rules.has(f)), 'folders without a row in the table').toEqual([]);
    // The parser is not vacuous: known rows read as the README says.
    expect(rules.get('cli')!.everything).toBe(true);
    expect([...rules.get('go')!.folders]).toEqual([]);
    expect([...rules.get('features')!.folders]).toEqual(['go']);
    expect(tfjsFree(readme)).toEqual(expect.arrayContaining(['go', 'sgf', 'features', 'data']));
  });

  it('every import under src/ is allowed by its folder\'s row', () => {
    const imports = files.flatMap(importsOf);
    // The scan finds the imports it should (a broken regex would find none and pass).
    expect(imports.length).toBeGreaterThan(300);
    expect(imports).toContainEqual({ from: 'cli/main.ts', spec: './commands/index.js' });
    const bad = imports.flatMap((imp) => {
      const why = violation(imp);
      return why ? [`src/${imp.from}: import '${imp.spec}' (${why})`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('the check catches what the table forbids', () => {
    expect(violation({ from: 'go/board.ts', spec: '../engine/engine.js' })).toBe('go/ may not import engine/engine.ts');
    expect(violation({ from: 'model/io.ts', spec: '../features/alphago48.js' })).toBe('model/ may not import features/alphago48.ts');
    expect(violation({ from: 'model/io.ts', spec: '../features/registry.js' })).toBeNull();
    expect(violation({ from: 'data/loader.ts', spec: '@tensorflow/tfjs' })).toBe('data/ never imports tfjs');
    expect(violation({ from: 'stats.ts', spec: './go/constants.js' })).toMatch(/top-level module/);
    expect(violation({ from: 'cli/main.ts', spec: '../train/trainer.js' })).toBeNull();
  });
});

// Expands the `data build` inputs (files and folders, any mix) into a sorted, de-duplicated list of SGF files.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** Name recorded in games.jsonl: relative to the folder argument, prefixed with that folder's name. */
  source: string;
  bytes: number;
}

const SGF_NAME = /\.sgf(\.gz)?$/i;

/** Whether a file name looks like an SGF file (`.sgf` or `.sgf.gz`, any case). */
export function isSgfName(name: string): boolean {
  return SGF_NAME.test(name);
}

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if ((e.isFile() || e.isSymbolicLink()) && isSgfName(e.name)) out.push(full);
  }
}

/**
 * Lists the SGF files of the inputs (folders recursively), sorted by source name so the build order — and hence
 * which copy of a duplicate is kept — does not depend on the order of the arguments. Throws on a missing input or
 * on an explicitly named file that is not `.sgf`/`.sgf.gz`.
 */
export function listInputFiles(inputs: readonly string[]): InputFile[] {
  if (inputs.length === 0) throw new Error('data build: no inputs given (expected .sgf, .sgf.gz files or folders)');
  const seen = new Set<string>();
  const files: InputFile[] = [];
  for (const input of inputs) {
    const abs = resolve(input);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new Error(`data build: input "${input}" does not exist`);
    }
    const add = (path: string, source: string): void => {
      const real = realpathSync(path);
      if (seen.has(real)) return;
      seen.add(real);
      files.push({ path: real, source, bytes: statSync(real).size });
    };
    if (st.isDirectory()) {
      const found: string[] = [];
      walk(abs, found);
      const prefix = basename(abs);
      for (const f of found) add(f, [prefix, ...relative(abs, f).split(sep)].join('/'));
    } else if (isSgfName(abs)) {
      add(abs, basename(abs));
    } else {
      throw new Error(`data build: input "${input}" is neither a folder nor a .sgf / .sgf.gz file`);
    }
  }
  files.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

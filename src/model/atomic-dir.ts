// Atomic directory writes: a reader (or a resumed run after kill -9) sees either the old directory or
// the complete new one. Files go to a temp sibling, then two renames swap it in; if a crash lands
// between the renames, the previous version is still at `<dir>.old` and resolveDir() finds it.
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';

/** Writes `files` (name → contents) as directory `dir`, replacing any previous one atomically. */
export async function writeDirAtomic(dir: string, files: ReadonlyMap<string, string | Uint8Array>): Promise<void> {
  const abs = path.resolve(dir);
  await fs.mkdir(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.tmp-${process.pid}-${Date.now()}`;
  const old = `${abs}.old`;
  await fs.mkdir(tmp, { recursive: true });
  for (const [name, data] of files) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new Error(`writeDirAtomic: bad file name ${JSON.stringify(name)}`);
    const fh = await fs.open(path.join(tmp, name), 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  await fs.rm(old, { recursive: true, force: true });
  if (existsSync(abs)) await fs.rename(abs, old);
  await fs.rename(tmp, abs);
  await fs.rm(old, { recursive: true, force: true });
}

/** Returns `dir` if it exists, else `<dir>.old` left by a write interrupted between its renames, else null. */
export function resolveDir(dir: string): string | null {
  const abs = path.resolve(dir);
  if (existsSync(abs)) return abs;
  if (existsSync(`${abs}.old`)) return `${abs}.old`;
  return null;
}

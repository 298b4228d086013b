// Streams a dataset into `<out>.partial-<pid>` and publishes it atomically: the data files are fsync'ed, the
// manifest is written last, and the folder is renamed into place. A build killed at any point leaves at most a
// `.partial-<pid>` folder without a manifest, which openDataset refuses and the next build removes.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  FLAG_VALIDATION,
  GAMES_FILE,
  INDEX_FIELDS,
  INDEX_FILE,
  MANIFEST_FILE,
  MOVES_FILE,
  type FileDigest,
  type GameMeta,
  type Manifest,
} from './format.js';
import { LITTLE_ENDIAN } from './hash.js';

class HashedFile {
  readonly fd: number;
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  write(data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
    this.hash.update(data);
    this.bytes += data.length;
  }
  close(): FileDigest {
    fsyncSync(this.fd);
    closeSync(this.fd);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

const MOVE_CHUNK = 1 << 19; // entries buffered before a write (1 MiB)
const INDEX_CHUNK = 1 << 14; // games buffered before a write
const TEXT_CHUNK = 1 << 18;

/** Whether a process with this pid is alive (signal 0 probes without delivering anything). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<out>.partial-<pid>` folders left by builds whose process is gone; returns the removed paths. */
export function removeStalePartials(outDir: string): string[] {
  const abs = resolve(outDir);
  const parent = dirname(abs);
  const prefix = `${basename(abs)}.partial-`;
  const removed: string[] = [];
  if (!existsSync(parent)) return removed;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid)) {
      rmSync(join(parent, name), { recursive: true, force: true });
      removed.push(join(parent, name));
    }
  }
  return removed;
}

export class DatasetWriter {
  readonly outDir: string;
  readonly partialDir: string;
  private readonly moves: HashedFile;
  private readonly index: HashedFile;
  private readonly games: HashedFile;
  private readonly moveBuf = new Uint16Array(MOVE_CHUNK);
  private moveFill = 0;
  private readonly indexBuf = new Uint32Array(INDEX_CHUNK * INDEX_FIELDS);
  private indexFill = 0;
  private text = '';
  private entryCount = 0;
  private closed = false;
  gameCount = 0;

  /** Creates `<outDir>.partial-<pid>`; throws if outDir exists and overwrite is false. */
  constructor(outDir: string, private readonly overwrite = false) {
    if (!LITTLE_ENDIAN) throw new Error('dataset writer: big-endian hosts are not supported (the format is little-endian)');
    this.outDir = resolve(outDir);
    if (existsSync(this.outDir) && !overwrite) {
      throw new Error(`data build: output "${outDir}" already exists (use --force to replace it)`);
    }
    this.partialDir = `${this.outDir}.partial-${process.pid}`;
    rmSync(this.partialDir, { recursive: true, force: true });
    mkdirSync(this.partialDir, { recursive: true });
    this.moves = new HashedFile(join(this.partialDir, MOVES_FILE));
    this.index = new HashedFile(join(this.partialDir, INDEX_FILE));
    this.games = new HashedFile(join(this.partialDir, GAMES_FILE));
  }

  /** Appends one game: entries[0..setup+moves) packed as in format.ts, its split, and its metadata line. */
  addGame(entries: Uint16Array, setupCount: number, moveCount: number, validation: boolean, meta: GameMeta): void {
    if (this.closed) throw new Error('DatasetWriter.addGame: writer already finished or aborted');
    const n = setupCount + moveCount;
    if (this.entryCount + n > 0xffffffff) throw new Error('DatasetWriter.addGame: more than 2^32 entries (format v1 limit)');
    let i = this.indexFill * INDEX_FIELDS;
    this.indexBuf[i++] = this.entryCount;
    this.indexBuf[i++] = setupCount;
    this.indexBuf[i++] = moveCount;
    this.indexBuf[i] = validation ? FLAG_VALIDATION : 0;
    if (++this.indexFill === INDEX_CHUNK) this.flushIndex();
    for (let k = 0; k < n; ) {
      const take = Math.min(n - k, MOVE_CHUNK - this.moveFill);
      this.moveBuf.set(entries.subarray(k, k + take), this.moveFill);
      this.moveFill += take;
      k += take;
      if (this.moveFill === MOVE_CHUNK) this.flushMoves();
    }
    this.entryCount += n;
    this.text += JSON.stringify(meta) + '\n';
    if (this.text.length >= TEXT_CHUNK) this.flushText();
    this.gameCount++;
  }

  private flushMoves(): void {
    if (this.moveFill === 0) return;
    this.moves.write(new Uint8Array(this.moveBuf.buffer, 0, this.moveFill * 2));
    this.moveFill = 0;
  }
  private flushIndex(): void {
    if (this.indexFill === 0) return;
    this.index.write(new Uint8Array(this.indexBuf.buffer, 0, this.indexFill * INDEX_FIELDS * 4));
    this.indexFill = 0;
  }
  private flushText(): void {
    if (this.text.length === 0) return;
    this.games.write(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }

  /**
   * Flushes and fsyncs the data files, writes manifest.json last (with the file digests and content hash filled
   * in), then renames the folder into place (replacing an existing one only if overwrite was set). Returns the
   * final manifest.
   */
  finish(manifest: Omit<Manifest, 'files' | 'contentHash'>): Manifest {
    if (this.closed) throw new Error('DatasetWriter.finish: writer already finished or aborted');
    this.flushMoves();
    this.flushIndex();
    this.flushText();
    this.closed = true;
    const files: Record<string, FileDigest> = {
      [MOVES_FILE]: this.moves.close(),
      [INDEX_FILE]: this.index.close(),
      [GAMES_FILE]: this.games.close(),
    };
    const full: Manifest = { ...manifest, files, contentHash: contentHashOf(files) };
    const mfd = openSync(join(this.partialDir, MANIFEST_FILE), 'w');
    const text = Buffer.from(JSON.stringify(full, null, 2) + '\n', 'utf8');
    let done = 0;
    while (done < text.length) done += writeSync(mfd, text, done, text.length - done);
    fsyncSync(mfd);
    closeSync(mfd);
    if (existsSync(this.outDir)) {
      if (!this.overwrite) throw new Error(`data build: output "${this.outDir}" appeared during the build; left the result in ${this.partialDir}`);
      const old = `${this.outDir}.old-${process.pid}`;
      renameSync(this.outDir, old);
      renameSync(this.partialDir, this.outDir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(this.partialDir, this.outDir);
    }
    return full;
  }

  /** Closes the files and deletes the partial folder (after an error or an interrupt); safe to call twice. */
  abort(): void {
    if (!this.closed) {
      this.closed = true;
      for (const f of [this.moves, this.index, this.games]) {
        try {
          closeSync(f.fd);
        } catch {
          // already closed
        }
      }
    }
    rmSync(this.partialDir, { recursive: true, force: true });
  }
}

/**
 * The dataset's identity: sha256 over the digests of moves.bin and index.bin (moves, order and split). games.jsonl
 * is left out on purpose so renaming the input folders does not change the identity of the training data.
 */
export function contentHashOf(files: Record<string, FileDigest>): string {
  const h = createHash('sha256');
  for (const name of [MOVES_FILE, INDEX_FILE]) {
    const f = files[name];
    if (!f) throw new Error(`contentHashOf: no digest for ${name}`);
    h.update(`${name}:${f.bytes}:${f.sha256}\n`);
  }
  return h.digest('hex');
}

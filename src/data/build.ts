// `data build`: streams SGF files into a dataset folder, one file at a time (no parsed trees are kept; the
// duplicate check keeps only 64-bit game hashes), and publishes the folder atomically via DatasetWriter.
import { readFileSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Board } from '../go/board.js';
import { parseSgf, toGameRecord, type GameRecord, type ParseResult, type SgfNode } from '../sgf/index.js';
import { checkGame, GameScratch } from './filters.js';
import { FORMAT_NAME, FORMAT_VERSION, type BuildOptions, type GameMeta, type Manifest } from './format.js';
import { gameHash, isValidationHash } from './hash.js';
import { listInputFiles, type InputFile } from './inputs.js';
import type { BuildProgressEvent } from './progress.js';
import { DatasetWriter, removeStalePartials } from './writer.js';

/**
 * 40 moves: shorter records are almost always aborted or disconnected games, or teaching/problem fragments; they
 * add only opening positions, of which full games already have plenty. The tom9d tooling used the same bound.
 */
export const DEFAULT_MIN_MOVES = 40;
/** 2%: about 760 games / 160k positions of tom9d/train, ample for a validation loss, little taken from training. */
export const DEFAULT_VAL_FRACTION = 0.02;

export interface BuildRunOptions extends BuildOptions {
  /** Replace an existing output folder. */
  overwrite?: boolean;
  onProgress?: (e: BuildProgressEvent) => void;
  /** Aborting stops the build between games, removes the partial folder and rejects with the abort reason. */
  signal?: AbortSignal;
  /** Test hook: called after every game read (throwing from it simulates a crash mid-build). */
  afterGame?: (gamesRead: number) => void;
}

export interface BuildResult {
  manifest: Manifest;
  outDir: string;
  seconds: number;
  peakRssBytes: number;
  /** First parse / record errors with their file, for the summary (at most 20). */
  errorSamples: string[];
}

const MAX_SAMPLES = 20;

type Counts = Manifest['counts'];

/** Builds a dataset from SGF files / folders into outDir; returns the manifest and run statistics. */
export async function buildDataset(inputs: readonly string[], outDir: string, options: BuildRunOptions): Promise<BuildResult> {
  const opts = checkedBuildOptions(options);
  const started = Date.now();
  const files = listInputFiles(inputs);
  removeStalePartials(outDir);
  const writer = new DatasetWriter(outDir, options.overwrite === true);
  const build = new BuildState(writer, opts, files, options);
  try {
    for (const file of files) {
      options.signal?.throwIfAborted();
      const parsed = build.parseFile(file);
      if (parsed === null) continue;
      build.addGames(file, parsed);
      build.fileDone(file);
      // Lets signal handlers (Ctrl-C) run between files.
      await yieldToEventLoop();
    }
    options.signal?.throwIfAborted();
    const manifest = writer.finish({
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      options: opts,
      inputs: [...inputs],
      split: { method: 'sha256(entries)[0..4] as uint32 % 1000 < valPermille', valPermille: opts.valPermille },
      counts: build.counts,
      dropped: sortKeys(build.dropped),
    });
    build.sampleMemory();
    const seconds = (Date.now() - started) / 1000;
    return { manifest, outDir: writer.outDir, seconds, peakRssBytes: build.peakRss, errorSamples: build.errorSamples };
  } catch (err) {
    writer.abort();
    throw err;
  }
}

/** The build options recorded in the manifest, checked: min moves a non-negative integer, permille in 0..1000. */
function checkedBuildOptions(options: BuildOptions): BuildOptions {
  const opts: BuildOptions = { minMoves: options.minMoves, allowHandicap: options.allowHandicap, valPermille: options.valPermille };
  if (!Number.isInteger(opts.minMoves) || opts.minMoves < 0) throw new Error(`data build: min moves ${opts.minMoves} is not a non-negative integer`);
  if (!Number.isInteger(opts.valPermille) || opts.valPermille < 0 || opts.valPermille > 1000) {
    throw new Error(`data build: validation permille ${opts.valPermille} is not an integer in 0..1000`);
  }
  return opts;
}

/**
 * One build's running state: the counts and drop reasons for the manifest, the duplicate check (64-bit game
 * hashes only), the reusable replay board and scratch, progress and memory figures.
 */
class BuildState {
  readonly counts: Counts;
  readonly dropped: Record<string, number> = {};
  /** First parse / record errors with their file (at most MAX_SAMPLES). */
  readonly errorSamples: string[] = [];
  peakRss = process.memoryUsage.rss();
  private readonly seen = new Set<string>();
  private readonly board = new Board();
  private readonly scratch = new GameScratch();
  private readonly bytesTotal: number;
  private bytesDone = 0;

  constructor(
    private readonly writer: DatasetWriter,
    private readonly opts: BuildOptions,
    files: readonly InputFile[],
    private readonly hooks: Pick<BuildRunOptions, 'onProgress' | 'afterGame'>,
  ) {
    this.bytesTotal = files.reduce((s, f) => s + f.bytes, 0);
    this.counts = {
      files: files.length,
      gamesRead: 0,
      games: 0,
      trainGames: 0,
      valGames: 0,
      positions: 0,
      labelledPositions: 0,
      trainLabelled: 0,
      valLabelled: 0,
      setupStones: 0,
    };
  }

  /** Reads and parses one file and counts its malformed games; null (counted as one parse error) when the whole file fails. */
  parseFile(file: InputFile): ParseResult | null {
    let parsed: ParseResult;
    try {
      parsed = parseSgf(readFileSync(file.path));
    } catch (err) {
      // Whole-file failure (corrupt gzip, size limit): one parse error for the file.
      this.counts.gamesRead++;
      this.drop('parse_error');
      this.note(`${file.source}: ${(err as Error).message}`);
      this.bytesDone += file.bytes;
      return null;
    }
    for (const e of parsed.errors) {
      this.counts.gamesRead++;
      this.drop('parse_error');
      this.note(`${file.source}: ${e.message}`);
    }
    return parsed;
  }

  /** Adds the well-formed games of a parsed file in order, releasing each tree once converted; reports progress every 64 games. */
  addGames(file: InputFile, parsed: ParseResult): void {
    const nGames = parsed.games.length;
    for (let gi = 0; gi < nGames; gi++) {
      const root = parsed.games[gi]!;
      parsed.games[gi] = undefined as never; // let the tree be collected once converted
      this.counts.gamesRead++;
      const readable = this.addGame(root, file.source, parsed.gameIndexes[gi] ?? gi);
      this.hooks.afterGame?.(this.counts.gamesRead);
      // A tree that is not a readable game record does not tick progress.
      if (readable && this.hooks.onProgress && (gi & 63) === 0) {
        this.progress(this.bytesDone + (file.bytes * gi) / Math.max(nGames, 1), file.source);
      }
    }
  }

  /** Counts a fully read file: bytes done, peak memory, a progress event. */
  fileDone(file: InputFile): void {
    this.bytesDone += file.bytes;
    this.sampleMemory();
    this.progress(this.bytesDone, file.source);
  }

  /** Updates the peak resident set size. */
  sampleMemory(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
  }

  /**
   * Converts, checks, de-duplicates and writes one game (or counts why it was dropped); false when the tree is
   * not a readable game record (wrong size, bad properties).
   */
  private addGame(root: SgfNode, source: string, sourceIndex: number): boolean {
    let record: GameRecord;
    try {
      record = toGameRecord(root);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const reason = code === 'board-size' ? 'wrong_size' : `bad_record${code ? ':' + code : ''}`;
      this.drop(reason);
      if (reason !== 'wrong_size') this.note(`${source} game ${sourceIndex}: ${(err as Error).message}`);
      return false;
    }
    const scratch = this.scratch;
    const reason = checkGame(record, this.opts, this.board, scratch);
    if (reason !== null) {
      this.drop(reason);
      return true;
    }
    const hash = gameHash(scratch.entries, scratch.setupCount + scratch.moveCount);
    if (this.seen.has(hash)) {
      this.drop('duplicate');
      return true;
    }
    this.seen.add(hash);
    this.keep(record, hash, source, sourceIndex);
    return true;
  }

  /** Writes the game just checked into `scratch` to its split (decided by its hash) and counts it. */
  private keep(record: GameRecord, hash: string, source: string, sourceIndex: number): void {
    const scratch = this.scratch;
    const val = isValidationHash(hash, this.opts.valPermille);
    const meta: GameMeta = {
      hash,
      split: val ? 'val' : 'train',
      source,
      sourceIndex,
      moves: scratch.moveCount,
      setup: scratch.setupCount,
      komi: record.komi ?? null,
      handicap: record.handicap ?? 0,
      result: record.result ?? null,
      players: { black: record.players?.black ?? null, white: record.players?.white ?? null },
      ranks: { black: record.ranks?.black ?? null, white: record.ranks?.white ?? null },
      date: record.date ?? null,
      gameName: record.gameName ?? null,
    };
    this.writer.addGame(scratch.entries, scratch.setupCount, scratch.moveCount, val, meta);
    const counts = this.counts;
    counts.games++;
    counts.positions += scratch.moveCount;
    counts.labelledPositions += scratch.labelled;
    counts.setupStones += scratch.setupCount;
    if (val) {
      counts.valGames++;
      counts.valLabelled += scratch.labelled;
    } else {
      counts.trainGames++;
      counts.trainLabelled += scratch.labelled;
    }
  }

  private progress(bytesDone: number, file: string): void {
    this.hooks.onProgress?.({ bytesDone, bytesTotal: this.bytesTotal, gamesRead: this.counts.gamesRead, gamesKept: this.counts.games, file });
  }

  private drop(reason: string): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }

  private note(msg: string): void {
    if (this.errorSamples.length < MAX_SAMPLES) this.errorSamples.push(msg);
  }
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Human-readable end-of-build summary (kept, dropped by reason, positions, time, memory). */
export function formatBuildSummary(r: BuildResult): string {
  const c = r.manifest.counts;
  const lines = [
    `dataset ${r.outDir}`,
    `  files ${c.files}, games read ${c.gamesRead}, kept ${c.games} (train ${c.trainGames}, val ${c.valGames})`,
    `  positions ${c.positions}, labelled (non-pass) ${c.labelledPositions} (train ${c.trainLabelled}, val ${c.valLabelled})`,
    `  dropped: ${Object.entries(r.manifest.dropped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `  content hash ${r.manifest.contentHash}`,
    `  ${r.seconds.toFixed(1)} s, ${Math.round(c.gamesRead / Math.max(r.seconds, 1e-3))} games/s, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
  ];
  for (const s of r.errorSamples) lines.push(`  error: ${s}`);
  return lines.join('\n') + '\n';
}

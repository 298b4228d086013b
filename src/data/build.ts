// `data build`: streams SGF files into a dataset folder, one file at a time (no parsed trees are kept; the
// duplicate check keeps only 64-bit game hashes), and publishes the folder atomically via DatasetWriter.
import { readFileSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Board } from '../go/board.js';
import { parseSgf, toGameRecord } from '../sgf/index.js';
import { checkGame, GameScratch } from './filters.js';
import { FORMAT_NAME, FORMAT_VERSION, type BuildOptions, type GameMeta, type Manifest } from './format.js';
import { gameHash, isValidationHash } from './hash.js';
import { listInputFiles } from './inputs.js';
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

/** Builds a dataset from SGF files / folders into outDir; returns the manifest and run statistics. */
export async function buildDataset(inputs: readonly string[], outDir: string, options: BuildRunOptions): Promise<BuildResult> {
  const opts: BuildOptions = { minMoves: options.minMoves, allowHandicap: options.allowHandicap, valPermille: options.valPermille };
  if (!Number.isInteger(opts.minMoves) || opts.minMoves < 0) throw new Error(`data build: min moves ${opts.minMoves} is not a non-negative integer`);
  if (!Number.isInteger(opts.valPermille) || opts.valPermille < 0 || opts.valPermille > 1000) {
    throw new Error(`data build: validation permille ${opts.valPermille} is not an integer in 0..1000`);
  }
  const started = Date.now();
  const files = listInputFiles(inputs);
  const bytesTotal = files.reduce((s, f) => s + f.bytes, 0);
  removeStalePartials(outDir);
  const writer = new DatasetWriter(outDir, options.overwrite === true);
  let peakRss = process.memoryUsage.rss();
  const dropped: Record<string, number> = {};
  const drop = (reason: string): void => {
    dropped[reason] = (dropped[reason] ?? 0) + 1;
  };
  const errorSamples: string[] = [];
  const note = (msg: string): void => {
    if (errorSamples.length < MAX_SAMPLES) errorSamples.push(msg);
  };
  const seen = new Set<string>();
  const board = new Board();
  const scratch = new GameScratch();
  const counts = {
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
  let bytesDone = 0;
  try {
    for (const file of files) {
      options.signal?.throwIfAborted();
      let parsed;
      try {
        parsed = parseSgf(readFileSync(file.path));
      } catch (err) {
        // Whole-file failure (corrupt gzip, size limit): one parse error for the file.
        counts.gamesRead++;
        drop('parse_error');
        note(`${file.source}: ${(err as Error).message}`);
        bytesDone += file.bytes;
        continue;
      }
      for (const e of parsed.errors) {
        counts.gamesRead++;
        drop('parse_error');
        note(`${file.source}: ${e.message}`);
      }
      const nGames = parsed.games.length;
      for (let gi = 0; gi < nGames; gi++) {
        const root = parsed.games[gi];
        parsed.games[gi] = undefined as never; // let the tree be collected once converted
        counts.gamesRead++;
        const sourceIndex = parsed.gameIndexes[gi] ?? gi;
        let record;
        try {
          record = toGameRecord(root);
        } catch (err) {
          const code = (err as { code?: string }).code;
          const reason = code === 'board-size' ? 'wrong_size' : `bad_record${code ? ':' + code : ''}`;
          drop(reason);
          if (reason !== 'wrong_size') note(`${file.source} game ${sourceIndex}: ${(err as Error).message}`);
          options.afterGame?.(counts.gamesRead);
          continue;
        }
        const reason = checkGame(record, opts, board, scratch);
        if (reason !== null) {
          drop(reason);
        } else {
          const n = scratch.setupCount + scratch.moveCount;
          const hash = gameHash(scratch.entries, n);
          if (seen.has(hash)) {
            drop('duplicate');
          } else {
            seen.add(hash);
            const val = isValidationHash(hash, opts.valPermille);
            const meta: GameMeta = {
              hash,
              split: val ? 'val' : 'train',
              source: file.source,
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
            writer.addGame(scratch.entries, scratch.setupCount, scratch.moveCount, val, meta);
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
        }
        options.afterGame?.(counts.gamesRead);
        if (options.onProgress && (gi & 63) === 0) {
          options.onProgress({
            bytesDone: bytesDone + (file.bytes * gi) / Math.max(nGames, 1),
            bytesTotal,
            gamesRead: counts.gamesRead,
            gamesKept: counts.games,
            file: file.source,
          });
        }
      }
      bytesDone += file.bytes;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      options.onProgress?.({ bytesDone, bytesTotal, gamesRead: counts.gamesRead, gamesKept: counts.games, file: file.source });
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
      counts,
      dropped: sortKeys(dropped),
    });
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return { manifest, outDir: writer.outDir, seconds: (Date.now() - started) / 1000, peakRssBytes: peakRss, errorSamples };
  } catch (err) {
    writer.abort();
    throw err;
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

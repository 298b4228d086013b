// Progress bar of `data build` on stderr: bytes of input read (so the ETA is honest for uneven files), games/s.
import cliProgress from 'cli-progress';

export interface BuildProgressEvent {
  /** Input bytes consumed so far (whole files, plus the fraction of games done in the current one). */
  bytesDone: number;
  bytesTotal: number;
  gamesRead: number;
  gamesKept: number;
  file: string;
}

export interface ProgressSink {
  update(e: BuildProgressEvent): void;
  stop(): void;
}

/** A cli-progress bar on stderr (renders only when stderr is a terminal, unless force is set). */
export function createProgressBar(force = false): ProgressSink {
  const start = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'data build [{bar}] {percentage}% | {games} games, {kept} kept | {rate} games/s | ETA {eta_formatted} | {file}',
      hideCursor: null,
      noTTYOutput: force,
      notTTYSchedule: 2000,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(e) {
      const secs = Math.max((Date.now() - start) / 1000, 1e-3);
      const payload = { games: e.gamesRead, kept: e.gamesKept, rate: Math.round(e.gamesRead / secs), file: e.file };
      if (!started) {
        bar.start(Math.max(e.bytesTotal, 1), e.bytesDone, payload);
        started = true;
      } else bar.update(e.bytesDone, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Progress bar of `data export` on stderr: positions encoded, positions/s, shard. Renders only on a terminal. */
export function createExportProgressBar(): { update(e: { records: number; total: number; shard: number; shards: number }): void; stop(): void } {
  const start = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'data export [{bar}] {percentage}% | {value}/{total} positions | {rate} pos/s | shard {shard}/{shards} | ETA {eta_formatted}',
      hideCursor: null,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let first = 0;
  return {
    update(e) {
      const secs = Math.max((Date.now() - start) / 1000, 1e-3);
      if (!started) first = e.records;
      const payload = { rate: Math.round((e.records - first) / secs), shard: Math.min(e.shard + 1, e.shards), shards: e.shards };
      if (!started) {
        bar.start(Math.max(e.total, 1), e.records, payload);
        started = true;
      } else bar.update(e.records, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

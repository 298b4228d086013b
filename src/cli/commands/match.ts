// `tengen match --black CMD --white CMD --games N`: plays two GTP engines against each other (colours
// alternate), referees every move, writes an SGF per game and prints a markdown summary;
// `tengen match --rescore DIR --referee CMD` re-scores such a folder with a referee engine;
// `tengen match --compare DIR1 DIR2` compares engine A of two such folders game by game (paired sign test).
import type { Command } from 'commander';
import { parseFlag, parseNumber, parsePositiveInt } from '../../config.js';
import { createLogger } from '../../log.js';
import { formatSummary, runMatch } from '../../gtp/match.js';
import { rescoreMatch } from '../../gtp/rescore.js';
import { compareMatches, formatComparison, readMatchFolder } from '../../gtp/compare.js';
import { loadOpenings, openingsUsedBy } from '../../gtp/openings.js';
import { listInputFiles } from '../../data/inputs.js';

interface MatchFlags {
  black?: string;
  white?: string;
  referee?: string;
  rescore?: string;
  compare?: string[];
  games: string;
  firstGame: string;
  out?: string;
  maxMoves: string;
  komi: string;
  timeout: string;
  openings?: string;
  openingMoves: string;
}

/** Registers `tengen match`. */
export function registerMatchCommand(program: Command): void {
  program
    .command('match')
    .option('--black <cmd>', 'engine A command line (Black in game 1), e.g. "tengen gtp --model models/default"')
    .option('--white <cmd>', 'engine B command line (White in game 1), e.g. "/usr/games/gnugo --mode gtp --level 1"')
    .option('--referee <cmd>', 'GTP engine whose final_score decides scored games, e.g. "/usr/games/gnugo --mode gtp --level 10 --chinese-rules"')
    .option('--rescore <dir>', 're-score the game-NNN.sgf files of an earlier --out folder with --referee and rewrite its summary.md')
    .option('--compare <dirs...>', 'compare engine A of two earlier --out folders that played the same openings and colours, game by game: both/only one/neither won, and an exact sign test')
    .option('--games <n>', 'number of games (colours alternate)', '2')
    .option('--first-game <n>', 'number of the first game, to split a match into shards or continue it (colours and game-NNN.sgf follow the number; a shard writes summary-NNN.md, and --rescore sums up the folder)', '1')
    .option('--out <dir>', 'folder for game-NNN.sgf and summary.md')
    .option('--max-moves <n>', 'score the game as it stands after this many moves (passes included)', '600')
    .option('--komi <k>', 'komi', '7.5')
    .option('--openings <path>', 'start games from the first moves of real games: an .sgf/.sgf.gz file or a folder of them (games 2k-1 and 2k share an opening, colours swapped), so engines that repeat themselves play different games')
    .option('--opening-moves <n>', 'moves of each opening (with --openings)', '8')
    .option('--timeout <s>', 'longest wait for one engine reply, in seconds', '120')
    .action(async (flags: MatchFlags) => {
      if (flags.compare !== undefined) {
        if (flags.compare.length !== 2) throw new Error(`match: --compare needs exactly two folders, got ${flags.compare.length}`);
        process.stdout.write(formatComparison(compareMatches(readMatchFolder(flags.compare[0]!), readMatchFolder(flags.compare[1]!))));
        return;
      }
      const logger = createLogger(process.env.LOG_LEVEL || 'info', 'tengen-match');
      const moveTimeoutMs = parseFlag(flags.timeout, '--timeout', parsePositiveInt) * 1000;
      if (flags.rescore !== undefined) {
        if (!flags.referee) throw new Error('match: --rescore needs --referee "CMD"');
        const summary = await rescoreMatch({
          dir: flags.rescore,
          referee: flags.referee,
          komi: parseFlag(flags.komi, '--komi', parseNumber),
          moveTimeoutMs,
          logger,
          onGame: (g) => process.stderr.write(`game ${g.index + 1}: ${g.result} (${g.decidedBy})\n`),
        });
        process.stdout.write(formatSummary(summary));
        return;
      }
      if (!flags.black || !flags.white) throw new Error('match: --black "CMD" and --white "CMD" are required (unless --rescore or --compare)');
      const games = parseFlag(flags.games, '--games', parsePositiveInt);
      const firstGame = parseFlag(flags.firstGame, '--first-game', parsePositiveInt);
      const openingMoves = parseFlag(flags.openingMoves, '--opening-moves', parsePositiveInt);
      // Only as many openings as the games up to the last one use (a shard of a long match reads the same ones).
      const openings = flags.openings === undefined ? undefined : loadOpenings(listInputFiles([flags.openings]), openingMoves, openingsUsedBy(firstGame - 1 + games));
      // Ctrl-C or SIGTERM: finish the game being played, write the summary of the games played, exit; a second one stops
      // at once (the default action), losing only the game in progress. `--first-game` continues the match later.
      const stop = new AbortController();
      const onSignal = (sig: NodeJS.Signals): void => {
        process.stderr.write(`match: ${sig}: stopping after the game being played (again to stop now)\n`);
        stop.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const summary = await runMatch({
        signal: stop.signal,
        black: flags.black,
        white: flags.white,
        referee: flags.referee,
        games,
        firstGame,
        openings,
        outDir: flags.out,
        maxMoves: parseFlag(flags.maxMoves, '--max-moves', parsePositiveInt),
        komi: parseFlag(flags.komi, '--komi', parseNumber),
        moveTimeoutMs,
        logger,
        onGame: (g) => process.stderr.write(`game ${g.index + 1}: ${g.result} (${g.reason}, decided by ${g.decidedBy}, ${g.moves} moves)\n`),
      });
      process.stdout.write(formatSummary(summary));
    });
}

// `tengen match --black CMD --white CMD --games N`: plays two GTP engines against each other (colours
// alternate), referees every move, writes an SGF per game and prints a markdown summary.
import type { Command } from 'commander';
import { parseFlag, parseNumber, parsePositiveInt } from '../../config.js';
import { createLogger } from '../../log.js';
import { formatSummary, runMatch } from '../../gtp/match.js';

interface MatchFlags {
  black: string;
  white: string;
  games: string;
  out?: string;
  maxMoves: string;
  komi: string;
  timeout: string;
}

/** Registers `tengen match`. */
export function registerMatchCommand(program: Command): void {
  program
    .command('match')
    .description('play two GTP engines against each other with a referee; SGF per game and a summary')
    .requiredOption('--black <cmd>', 'engine A command line (Black in game 1), e.g. "tengen gtp --model models/default"')
    .requiredOption('--white <cmd>', 'engine B command line (White in game 1), e.g. "/usr/games/gnugo --mode gtp --level 1"')
    .option('--games <n>', 'number of games (colours alternate)', '2')
    .option('--out <dir>', 'folder for game-NNN.sgf and summary.md')
    .option('--max-moves <n>', 'score the game as it stands after this many moves (passes included)', '600')
    .option('--komi <k>', 'komi', '7.5')
    .option('--timeout <s>', 'longest wait for one engine reply, in seconds', '120')
    .action(async (flags: MatchFlags) => {
      const logger = createLogger(process.env.LOG_LEVEL || 'info', 'tengen-match');
      const summary = await runMatch({
        black: flags.black,
        white: flags.white,
        games: parseFlag(flags.games, '--games', parsePositiveInt),
        outDir: flags.out,
        maxMoves: parseFlag(flags.maxMoves, '--max-moves', parsePositiveInt),
        komi: parseFlag(flags.komi, '--komi', parseNumber),
        moveTimeoutMs: parseFlag(flags.timeout, '--timeout', parsePositiveInt) * 1000,
        logger,
        onGame: (g) => process.stderr.write(`game ${g.index + 1}: ${g.result} (${g.reason}, ${g.moves} moves)\n`),
      });
      process.stdout.write(formatSummary(summary));
    });
}

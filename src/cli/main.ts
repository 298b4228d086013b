// `tengen <command>`: the one command-line entry point. Each command lives in its own file under ./commands,
// listed in ./commands/index.ts; only the module of the command being run is imported (start-up time matters:
// GUIs start GTP engines often).
import { Command } from 'commander';
import { addCommand, commands } from './commands/index.js';

const program = new Command();
program
  .name('tengen')
  .description('Go move prediction: SGF tools, dataset building, CNN training, HTTP service and GTP engine')
  .version('0.1.0')
  .showHelpAfterError();

try {
  // The command word is the first argument that is not an option (top-level options take no value);
  // `tengen help gtp` asks about gtp.
  const words = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const entry = commands.find((c) => c.name === (words[0] === 'help' ? words[1] : words[0]));
  if (entry) await addCommand(program, entry);
  // No command named (--help, --version, a typo): list them all without loading any.
  else for (const c of commands) program.command(c.name).description(c.summary);
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`tengen: ${(err as Error).message}\n`);
  // Keep a code a command chose already (e.g. 130 after Ctrl-C).
  if (!process.exitCode) process.exitCode = 1;
}

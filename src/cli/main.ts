// `tengen <command>`: the one command-line entry point. Each command lives in its own file
// under ./commands and is registered here.
import { Command } from 'commander';
import { commands } from './commands/index.js';

const program = new Command();
program
  .name('tengen')
  .description('Go move prediction: SGF tools, dataset building, CNN training, HTTP service and GTP engine')
  .version('0.1.0')
  .showHelpAfterError();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`tengen: ${(err as Error).message}\n`);
  // Keep a code a command chose already (e.g. 130 after Ctrl-C).
  if (!process.exitCode) process.exitCode = 1;
}

// The command line every benchmark reads: `--quick`, `--name value` options, and the repository root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The arguments after the script's name. */
export const argv = process.argv.slice(2);

/** Whether --quick was given (fewer positions, shorter runs). */
export const quick = argv.includes('--quick');

/** The value after `name` on the command line (`--model DIR` → DIR), or undefined. */
export function opt(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The repository root (bench/ lives in it). */
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

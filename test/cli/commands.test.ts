// The command table (src/cli/commands/index.ts): every entry's module adds exactly the command it names, and the
// top-level help lists every command from the table alone.
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addCommand, commands } from '../../src/cli/commands/index.js';

describe('the command table', () => {
  it.each(commands.map((c) => [c.name, c] as const))('%s: its module adds that command, described by the table', async (_name, entry) => {
    const program = new Command();
    const cmd = await addCommand(program, entry);
    expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
    expect(cmd.description()).toBe(entry.summary);
    // Every command has options or subcommands of its own (the module, not the table, defines them).
    expect(cmd.options.length + cmd.commands.length).toBeGreaterThan(0);
  });

  it('names are unique and each summary is one line', () => {
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
    for (const c of commands) expect(c.summary, c.name).toMatch(/^[^\n]{10,200}$/);
  });

  it('`tengen --help` lists every command; `tengen help plot` shows plot\'s options; a typo is refused', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
    const help = run('--help');
    expect(help.status).toBe(0);
    for (const c of commands) expect(help.stdout).toMatch(new RegExp(`^  ${c.name} `, 'm'));
    const plot = run('help', 'plot');
    expect(plot.status).toBe(0);
    expect(plot.stdout).toContain('--metrics <files...>');
    const typo = run('gtpp');
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain("unknown command 'gtpp'");
    expect(typo.stderr).toContain('(Did you mean gtp?)');
  });
});

// `tengen serve`: the HTTP API and web board (see README "HTTP API"). Flags > environment > defaults.
import type { Command } from 'commander';
import { resolveServerConfig, SERVER_OPTIONS, type ServerFlags } from '../../server/config.js';
import { missingModelMessage, serveUntilSignal } from '../../server/server.js';

/** Registers `tengen serve`. */
export function registerServeCommand(program: Command): void {
  const cmd = program.command('serve');
  // One flag per SERVER_OPTIONS entry (src/server/config.ts), so the list, its environment names and defaults live once.
  for (const o of SERVER_OPTIONS) {
    const d = o.fallback();
    cmd.option(`${o.short ? `-${o.short}, ` : ''}--${o.flag} <${o.arg}>`, `${o.help} (env ${o.env}${d === undefined ? '' : `, default ${String(d)}`})`);
  }
  cmd.action(async (flags: Record<string, string | undefined>) => {
    const mapped: ServerFlags = {};
    for (const o of SERVER_OPTIONS) mapped[o.key] = flags[o.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
    const cfg = resolveServerConfig(mapped);
    const missing = missingModelMessage(cfg.modelDir);
    if (missing) {
      process.stderr.write(`tengen serve: ${missing}\n`);
      process.exitCode = 2;
      return;
    }
    await serveUntilSignal(cfg);
  });
}

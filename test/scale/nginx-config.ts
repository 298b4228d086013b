// Renders docker/nginx/tengen.conf.template the way the official nginx image does (envsubst over the variables
// given), and wraps it in a minimal nginx.conf for a loopback test (no root paths, no daemon).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers.js';

export const TEMPLATE = path.join(repoRoot, 'docker/nginx/tengen.conf.template');
export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
});

/** envsubst semantics for the named variables: every `${NAME}` of `vars` is replaced; a TENGEN_* placeholder left unset throws. */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => (name in vars ? vars[name] : m));
  const left = /\$\{(TENGEN_[A-Za-z0-9_]*)\}/.exec(out);
  if (left) throw new Error(`${TEMPLATE}: variable ${left[1]} is not set`);
  return out;
}

/** Writes nginx.conf (and the rendered template beside it) for replicas on loopback; returns the nginx.conf path. */
export function writeLoopbackConfig(dir: string, listenPort: number, replicaPorts: number[], bodyLimit = 1048576): string {
  mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  const site = renderTemplate(readFileSync(TEMPLATE, 'utf8'), {
    TENGEN_UPSTREAM_SERVERS: replicaPorts.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n    '),
    TENGEN_PROXY_LISTEN: `127.0.0.1:${listenPort}`,
    TENGEN_BODY_LIMIT: String(bodyLimit),
  });
  writeFileSync(path.join(dir, 'tengen.conf'), site);
  const t = (n: string): string => path.join(dir, 'tmp', n);
  const conf = [
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${path.join(dir, 'error.log')} warn;`,
    'events { worker_connections 512; }',
    'http {',
    `  access_log ${path.join(dir, 'access.log')};`,
    `  client_body_temp_path ${t('body')};`,
    `  proxy_temp_path ${t('proxy')};`,
    `  fastcgi_temp_path ${t('fastcgi')};`,
    `  uwsgi_temp_path ${t('uwsgi')};`,
    `  scgi_temp_path ${t('scgi')};`,
    `  include ${path.join(dir, 'tengen.conf')};`,
    '}',
    '',
  ].join('\n');
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  return file;
}

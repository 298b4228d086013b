// Static checks of docker/Dockerfile, its .dockerignore and compose.yaml, for a machine with no Docker engine:
// dockerfile-utils lints the Dockerfile, the rest cross-checks the three files against each other and the repo.
// Every check returns problems as strings (never throws), so the tests can feed broken variants through the same code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate, ValidationCode, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** COPY sources that are produced by training, not committed; missing ones are reported as skipped, not as problems. */
export const GENERATED_SOURCES = new Set(['models/default']);

/** Lint codes accepted on purpose. Empty: the Dockerfile lints clean with every optional rule raised to an error. */
const ACCEPTED_LINT_CODES = new Set<number>([]);

// The optional rules default to warnings or off; raise all of them so a style slip fails the test too.
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

export interface Instruction {
  keyword: string;
  /** Arguments after the keyword, continuation lines joined with a space. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

/** dockerfile-utils diagnostics (strict settings) as "line N: CODE message" strings, minus ACCEPTED_LINT_CODES. */
export function lintDockerfile(text: string): string[] {
  return validate(text, STRICT)
    .filter((d) => !ACCEPTED_LINT_CODES.has(Number(d.code)))
    .map((d) => `Dockerfile line ${d.range.start.line + 1}: ${ValidationCode[Number(d.code)] ?? d.code} ${d.message}`);
}

/** Splits a Dockerfile into instructions (comments and blank lines dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { parts: string[]; line: number } | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === null)) return;
    const cont = trimmed.endsWith('\\');
    const body = cont ? trimmed.slice(0, -1).trim() : trimmed;
    if (pending === null) pending = { parts: [], line: i + 1 };
    if (body !== '') pending.parts.push(body);
    if (!cont) {
      const joined = pending.parts.join(' ');
      const m = /^(\S+)\s*(.*)$/.exec(joined);
      if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!, line: pending.line });
      pending = null;
    }
  });
  return out;
}

/** The exec-form (JSON array) arguments of an instruction, or null for shell form. */
export function execForm(args: string): string[] | null {
  if (!args.trimStart().startsWith('[')) return null;
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

export interface CopyInstruction {
  line: number;
  /** Sources as written (build-context relative), empty for COPY --from=<stage>. */
  sources: string[];
  fromStage: boolean;
}

/** The COPY/ADD instructions: sources split from flags and destination. */
export function copyInstructions(instrs: Instruction[]): CopyInstruction[] {
  return instrs
    .filter((ins) => ins.keyword === 'COPY' || ins.keyword === 'ADD')
    .map((ins) => {
      const words = ins.args.split(/\s+/).filter(Boolean);
      const flags = words.filter((w) => w.startsWith('--'));
      const rest = execForm(ins.args.replace(/^(--\S+\s+)*/, '')) ?? words.filter((w) => !w.startsWith('--'));
      const fromStage = flags.some((f) => f.startsWith('--from='));
      return { line: ins.line, sources: fromStage ? [] : rest.slice(0, -1), fromStage };
    });
}

// One .dockerignore pattern as a regex, after Docker's patternmatcher: `**` spans directories, `*` and `?` do not.
function ignoreRegex(pattern: string): RegExp {
  const p = path.posix.normalize(pattern.replace(/^\/+/, ''));
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      i++;
      if (p[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** True when `relPath` (context relative, posix) is left out of the build context: last matching pattern wins, a
 * pattern matching a parent directory matches its contents. */
export function isIgnored(dockerignore: string, relPath: string): boolean {
  const rules = dockerignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => (l.startsWith('!') ? { neg: true, re: ignoreRegex(l.slice(1).trim()) } : { neg: false, re: ignoreRegex(l) }));
  const segs = relPath.split('/');
  const candidates = segs.map((_, i) => segs.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const r of rules) if (candidates.some((c) => r.re.test(c))) ignored = !r.neg;
  return ignored;
}

// Files under a context path (posix, context relative); a directory yields its files, capped to keep the walk cheap.
function filesUnder(root: string, rel: string, cap = 5000): string[] {
  const abs = path.join(root, rel);
  if (!statSync(abs).isDirectory()) return [rel];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (out.length >= cap) return;
      const child = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk(rel);
  return out;
}

export interface DockerFiles {
  dockerfile: string;
  dockerignore: string;
  /** compose.yaml text; its relative paths resolve from `composeDir`. */
  compose: string;
  composeDir: string;
  /** The Dockerfile's real path, which compose's build.dockerfile must name. */
  dockerfilePath: string;
}

export interface CheckResult {
  problems: string[];
  /** Generated COPY sources (GENERATED_SOURCES) that do not exist yet. */
  skipped: string[];
}

/** Dockerfile checks beyond the linter: COPY sources exist and survive .dockerignore, node_modules is ignored,
 * non-root USER, exec-form CMD on an existing entry file, HEALTHCHECK on /readyz, EXPOSE = ENV PORT. */
export function checkDockerfile(files: Pick<DockerFiles, 'dockerfile' | 'dockerignore'>, root = repoRoot): CheckResult {
  const problems = lintDockerfile(files.dockerfile);
  const skipped: string[] = [];
  const instrs = parseDockerfile(files.dockerfile);
  for (const copy of copyInstructions(instrs)) {
    for (const src of copy.sources) {
      const rel = path.posix.normalize(src).replace(/\/$/, '');
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        problems.push(`Dockerfile line ${copy.line}: COPY source ${src} is outside the build context`);
        continue;
      }
      let paths: string[];
      if (existsSync(path.join(root, rel))) paths = filesUnder(root, rel);
      else if (GENERATED_SOURCES.has(rel)) {
        skipped.push(rel);
        paths = [`${rel}/model.json`]; // still check the .dockerignore lets the future folder through
      } else {
        problems.push(`Dockerfile line ${copy.line}: COPY source ${src} does not exist in the repository`);
        continue;
      }
      const dropped = paths.filter((p) => isIgnored(files.dockerignore, p));
      if (dropped.length > 0) problems.push(`.dockerignore excludes ${dropped[0]} (${dropped.length} file(s)), which Dockerfile line ${copy.line} copies`);
    }
  }
  for (const p of ['node_modules', 'node_modules/fastify/package.json']) {
    if (!isIgnored(files.dockerignore, p)) problems.push(`.dockerignore does not exclude ${p}`);
  }
  const last = (kw: string): Instruction | undefined => instrs.filter((i) => i.keyword === kw).at(-1);
  const user = last('USER');
  if (!user || /^(root|0)(:|$)/.test(user.args.trim())) problems.push('Dockerfile: the final USER is missing or root');
  const cmd = last('CMD');
  const cmdArgs = cmd ? execForm(cmd.args) : null;
  if (!cmdArgs) problems.push('Dockerfile: CMD is missing or not in exec form (signals would go to a shell)');
  else {
    const entry = cmdArgs.find((a) => /\.(ts|js)$/.test(a));
    if (!entry || !existsSync(path.join(root, entry))) problems.push(`Dockerfile: CMD entry file ${entry ?? '(none)'} does not exist`);
  }
  const hc = last('HEALTHCHECK');
  const hcCmd = hc ? execForm(hc.args.replace(/^.*?\bCMD\s+/, '')) : null;
  if (!hcCmd || !hcCmd.join(' ').includes('/readyz')) problems.push('Dockerfile: HEALTHCHECK is missing, not exec form, or does not ask /readyz');
  const envPort = /\bPORT=(\d+)/.exec(instrs.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' '))?.[1];
  const exposed = last('EXPOSE')?.args.trim().split('/')[0];
  if (envPort === undefined || envPort !== exposed) problems.push(`Dockerfile: EXPOSE ${exposed ?? '(none)'} differs from ENV PORT=${envPort ?? '(none)'}`);
  return { problems, skipped };
}

/** The Dockerfile's EXPOSEd port, HEALTHCHECK exec command and CMD, for the runtime simulation. */
export function runtimeSpec(dockerfile: string): { port: number; env: Record<string, string>; cmd: string[]; healthcheck: string[] } {
  const instrs = parseDockerfile(dockerfile);
  const env: Record<string, string> = {};
  const runtimeStart = instrs.map((i) => i.keyword).lastIndexOf('FROM');
  for (const i of instrs.slice(runtimeStart)) {
    if (i.keyword !== 'ENV') continue;
    for (const m of i.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  const cmd = execForm(instrs.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '');
  const healthcheck = execForm(instrs.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)?.args.replace(/^.*?\bCMD\s+/, '') ?? '');
  if (!cmd || !healthcheck) throw new Error('Dockerfile: CMD or HEALTHCHECK is not in exec form');
  return { port: Number(env.PORT), env, cmd, healthcheck };
}

/** compose.yaml checks: build context and dockerfile name the real files, the port maps to EXPOSE, ../models is
 * mounted and holds TENGEN_MODEL, the image's HEALTHCHECK is not disabled (or is overridden with one on /readyz). */
export function checkCompose(files: DockerFiles, root = repoRoot): string[] {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(files.compose);
  } catch (err) {
    return [`compose.yaml: not valid YAML: ${(err as Error).message}`];
  }
  const services = (doc as { services?: Record<string, Record<string, unknown>> } | null)?.services;
  const entries = Object.entries(services ?? {});
  if (entries.length !== 1) return [`compose.yaml: expected exactly one service, found ${entries.length}`];
  const [name, svc] = entries[0]!;
  const where = `compose.yaml services.${name}`;
  const build = svc.build as { context?: string; dockerfile?: string } | undefined;
  if (!build?.context) problems.push(`${where}.build.context is missing`);
  else {
    const ctx = path.resolve(files.composeDir, build.context);
    if (path.relative(ctx, root) !== '') problems.push(`${where}.build.context ${build.context} is ${ctx}, not the repository root`);
    const df = path.resolve(ctx, build.dockerfile ?? 'Dockerfile');
    if (!existsSync(df)) problems.push(`${where}.build.dockerfile ${build.dockerfile} does not exist (${df})`);
    else if (path.relative(df, files.dockerfilePath) !== '') problems.push(`${where}.build.dockerfile ${df} is not ${files.dockerfilePath}`);
  }
  const exposed = /^EXPOSE\s+(\d+)/m.exec(files.dockerfile)?.[1];
  const ports = (svc.ports as unknown[] | undefined) ?? [];
  const containerPorts = ports.map((p) => String(p).split(':').at(-1)!.split('/')[0]);
  if (!exposed || !containerPorts.includes(exposed)) problems.push(`${where}.ports ${JSON.stringify(ports)} map no host port to the EXPOSEd ${exposed}`);
  if (ports.some((p) => String(p).split(':').length < 3)) problems.push(`${where}.ports publish on every interface; bind 127.0.0.1`);
  const env = (svc.environment as Record<string, unknown> | undefined) ?? {};
  const modelPath = String(env.TENGEN_MODEL ?? '');
  const volumes = ((svc.volumes as unknown[] | undefined) ?? []).map((v) => String(v).split(':'));
  const modelVol = volumes.find(([, target]) => target !== undefined && modelPath.startsWith(`${target.replace(/\/$/, '')}/`));
  if (!modelVol) problems.push(`${where}: no volume is mounted over TENGEN_MODEL=${modelPath || '(unset)'}`);
  else {
    const host = path.resolve(files.composeDir, modelVol[0]!);
    if (path.relative(path.join(root, 'models'), host) !== '' || !existsSync(host)) problems.push(`${where}.volumes: ${modelVol[0]} is ${host}, not the repository's models folder`);
    if (modelVol[2] !== 'ro') problems.push(`${where}.volumes: the models mount is not read-only`);
  }
  const hc = svc.healthcheck as { disable?: boolean; test?: unknown } | undefined;
  if (hc?.disable === true) problems.push(`${where}.healthcheck disables the image's /readyz check`);
  else if (hc?.test !== undefined && !JSON.stringify(hc.test).includes('/readyz')) problems.push(`${where}.healthcheck.test does not ask /readyz`);
  return problems;
}

// The Docker files cannot be built here (no engine), so they are linted and cross-checked against the repository;
// each broken variant below goes through the same checks to prove they can fail.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkCompose,
  checkDockerfile,
  copyInstructions,
  isIgnored,
  lintDockerfile,
  parseDockerfile,
  repoRoot,
  runtimeSpec,
  type DockerFiles,
} from './docker-files.js';

const dockerDir = path.join(repoRoot, 'docker');
const real: DockerFiles = {
  dockerfile: readFileSync(path.join(dockerDir, 'Dockerfile'), 'utf8'),
  // BuildKit reads <Dockerfile>.dockerignore next to the Dockerfile before the context's .dockerignore.
  dockerignore: readFileSync(path.join(dockerDir, 'Dockerfile.dockerignore'), 'utf8'),
  compose: readFileSync(path.join(dockerDir, 'compose.yaml'), 'utf8'),
  composeDir: dockerDir,
  dockerfilePath: path.join(dockerDir, 'Dockerfile'),
};
const withDockerfile = (from: string, to: string): string => {
  if (!real.dockerfile.includes(from)) throw new Error(`test setup: the Dockerfile no longer contains ${JSON.stringify(from)}`);
  return real.dockerfile.replace(from, to);
};
const withCompose = (from: string, to: string): DockerFiles => {
  if (!real.compose.includes(from)) throw new Error(`test setup: compose.yaml no longer contains ${JSON.stringify(from)}`);
  return { ...real, compose: real.compose.replace(from, to) };
};

describe('docker/Dockerfile', () => {
  it('lints clean with dockerfile-utils (all optional rules raised to errors)', () => {
    expect(lintDockerfile(real.dockerfile)).toEqual([]);
  });

  it('passes the cross-checks (COPY sources exist and survive .dockerignore, USER, CMD, HEALTHCHECK, port)', () => {
    expect(checkDockerfile(real).problems).toEqual([]);
  });

  it('COPYs the paths the image needs, all of them present (models/default once trained)', (ctx) => {
    const sources = copyInstructions(parseDockerfile(real.dockerfile)).flatMap((c) => c.sources);
    expect(sources).toEqual(['package.json', 'package-lock.json', '.npmrc', 'scripts', 'package.json', 'tsconfig.json', 'bin', 'src', 'models/default']);
    const { skipped } = checkDockerfile(real);
    if (skipped.length > 0) ctx.skip(`${skipped.join(', ')} does not exist yet (train a model and save it there); \`docker build\` would fail until it does`);
    for (const s of sources) expect(existsSync(path.join(repoRoot, s)), s).toBe(true);
  });

  it('gives the runtime the CMD, env and HEALTHCHECK the simulation runs', () => {
    const spec = runtimeSpec(real.dockerfile);
    expect(spec.cmd).toEqual(['node', '--import', 'tsx', 'src/cli/main.ts', 'serve']);
    expect(spec.env).toMatchObject({ HOST: '0.0.0.0', PORT: '8080', TENGEN_MODEL: '/app/models/default', NODE_ENV: 'production' });
    expect(spec.healthcheck.slice(0, 2)).toEqual(['node', '-e']);
  });

  it.each([
    ['a lint error (bad port)', 'EXPOSE 8080', 'EXPOSE 80x', /INVALID_PORT/],
    ['a lint error (lower-case instruction)', 'USER node', 'user node', /CASING_INSTRUCTION/],
    ['a lint error (relative WORKDIR)', 'WORKDIR /app\nCOPY --from', 'WORKDIR app\nCOPY --from', /WORKDIR_IS_NOT_ABSOLUTE/],
    ['a lint error (second CMD)', 'STOPSIGNAL SIGTERM', 'CMD ["true"]\nSTOPSIGNAL SIGTERM', /MULTIPLE_INSTRUCTIONS/],
    ['a missing COPY source', 'COPY --chown=node:node src ./src', 'COPY --chown=node:node srcs ./src', /COPY source srcs does not exist/],
    ['a COPY from outside the context', 'COPY --chown=node:node bin ./bin', 'COPY --chown=node:node ../bin ./bin', /outside the build context/],
    ['a COPY the .dockerignore drops', 'COPY --chown=node:node bin ./bin', 'COPY --chown=node:node bin ./bin\nCOPY README.md ./', /excludes README\.md/],
    ['running as root', 'USER node', 'USER root', /USER is missing or root/],
    ['a shell-form CMD', 'CMD ["node", "--import", "tsx", "src/cli/main.ts", "serve"]', 'CMD node --import tsx src/cli/main.ts serve', /CMD is missing or not in exec form/],
    ['a CMD on a missing entry file', '"src/cli/main.ts", "serve"]', '"src/cli/mian.ts", "serve"]', /CMD entry file src\/cli\/mian\.ts/],
    ['a HEALTHCHECK on the wrong route', "/readyz')", "/ready')", /HEALTHCHECK/],
    ['EXPOSE differing from PORT', 'EXPOSE 8080', 'EXPOSE 3000', /EXPOSE 3000 differs from ENV PORT=8080/],
  ])('fails on %s', (_name, from, to, expected) => {
    const { problems } = checkDockerfile({ ...real, dockerfile: withDockerfile(from, to) });
    expect(problems.join('\n')).toMatch(expected);
  });
});

describe('docker/Dockerfile.dockerignore', () => {
  it('excludes node_modules and unlisted files, keeps what the Dockerfile copies', () => {
    expect(isIgnored(real.dockerignore, 'node_modules/fastify/package.json')).toBe(true);
    expect(isIgnored(real.dockerignore, 'test/docker/docker-files.test.ts')).toBe(true);
    expect(isIgnored(real.dockerignore, 'models/other/model.json')).toBe(true);
    expect(isIgnored(real.dockerignore, 'src/cli/main.ts')).toBe(false);
    expect(isIgnored(real.dockerignore, 'models/default/weights.bin')).toBe(false);
  });

  it('follows Docker matching: last rule wins, a directory rule covers its contents, * stays in one segment', () => {
    expect(isIgnored('node_modules', 'node_modules/a/b.js')).toBe(true);
    expect(isIgnored('src\n!src/keep.ts', 'src/keep.ts')).toBe(false);
    expect(isIgnored('!src/keep.ts\nsrc', 'src/keep.ts')).toBe(true);
    expect(isIgnored('*.md', 'docs/a.md')).toBe(false);
    expect(isIgnored('**/*.md', 'docs/a.md')).toBe(true);
    expect(isIgnored('', 'anything')).toBe(false);
  });

  it.each([
    ['no exclusions (node_modules sent to the daemon)', '', /does not exclude node_modules/],
    ['src excluded', real.dockerignore + '\nsrc/server/**\n', /excludes src\/server\//],
    ['models/default not re-included', real.dockerignore.replace('!models/default/**', ''), /excludes models\/default\//],
  ])('fails with %s', (_name, dockerignore, expected) => {
    expect(checkDockerfile({ ...real, dockerignore }).problems.join('\n')).toMatch(expected);
  });
});

describe('docker/compose.yaml', () => {
  it('builds from the repository root with docker/Dockerfile, maps 8080 on loopback, mounts ../models read-only', () => {
    expect(checkCompose(real)).toEqual([]);
  });

  it.each([
    ['a context that is not the repo root', withCompose('context: ..', 'context: .'), /build\.context \. is .*not the repository root/],
    ['a missing dockerfile', withCompose('dockerfile: docker/Dockerfile', 'dockerfile: docker/Dockerfile.prod'), /Dockerfile\.prod does not exist/],
    ['the wrong container port', withCompose('"127.0.0.1:8080:8080"', '"127.0.0.1:8080:3000"'), /map no host port to the EXPOSEd 8080/],
    ['a port on every interface', withCompose('"127.0.0.1:8080:8080"', '"8080:8080"'), /every interface/],
    ['a wrong models folder', withCompose('../models:/models:ro', '../model:/models:ro'), /not the repository's models folder/],
    ['a writable models mount', withCompose('../models:/models:ro', '../models:/models'), /not read-only/],
    ['TENGEN_MODEL outside the mount', withCompose('TENGEN_MODEL: /models/default', 'TENGEN_MODEL: /app/models/default'), /no volume is mounted over TENGEN_MODEL/],
    ['a disabled healthcheck', withCompose('    restart:', '    healthcheck:\n      disable: true\n    restart:'), /disables the image's \/readyz check/],
    ['a healthcheck on another route', withCompose('    restart:', '    healthcheck:\n      test: ["CMD", "true"]\n    restart:'), /does not ask \/readyz/],
    ['invalid YAML', { ...real, compose: 'services: [\n' }, /not valid YAML/],
  ])('fails with %s', (_name, files, expected) => {
    expect(checkCompose(files).join('\n')).toMatch(expected);
  });
});

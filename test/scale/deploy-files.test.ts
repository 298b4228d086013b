// Static checks of the scale-out deployment files (no Docker engine or cluster here): docker/compose.scale.yaml
// against the nginx template and the Dockerfile, its rendered nginx config through `nginx -t`, and docker/k8s
// through kubernetes-validate's bundled OpenAPI schemas (strict) plus cross-checks the schemas cannot express.
// Not checked here: that images build and pull, that the cluster runs them, ingress-nginx annotation semantics.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseDockerfile } from '../docker/docker-files.js';
import { python, repoRoot } from './helpers.js';
import { NGINX, TEMPLATE, renderTemplate, writeLoopbackConfig } from './nginx-config.js';

const k8sDir = path.join(repoRoot, 'docker/k8s');
const compose = parseYaml(readFileSync(path.join(repoRoot, 'docker/compose.scale.yaml'), 'utf8')) as { services: Record<string, any> };
const template = readFileSync(TEMPLATE, 'utf8');
const manifests = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const docs = Object.fromEntries(manifests.map((f) => [f, parseYaml(readFileSync(path.join(k8sDir, f), 'utf8'))])) as Record<string, any>;
const validatorMissing = (() => {
  const r = spawnSync(python, ['-c', 'import kubernetes_validate'], { encoding: 'utf8' });
  return r.status === 0 ? null : `kubernetes-validate is not installed for ${python} (pip install -r python/requirements-test.txt; .ci/run does)`;
})();

describe('docker/compose.scale.yaml', () => {
  const { tengen, nginx } = compose.services;

  it('runs 2+ replicas that publish no port, behind nginx on 127.0.0.1', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['nginx', 'tengen']);
    expect(String(tengen.deploy.replicas)).toMatch(/^\$\{TENGEN_REPLICAS:-[2-9]\}$|^[2-9]$/);
    expect(tengen.ports).toBeUndefined();
    expect(nginx.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(nginx.depends_on.tengen.condition).toBe('service_healthy');
  });

  it('mounts the one nginx template and sets every variable it uses, with the replicas\' body limit', () => {
    expect(nginx.volumes).toContain('./nginx/tengen.conf.template:/etc/nginx/templates/default.conf.template:ro');
    const used = [...new Set([...template.matchAll(/\$\{(TENGEN_[A-Z_]+)\}/g)].map((m) => m[1]))].sort();
    expect(Object.keys(nginx.environment).filter((k) => k.startsWith('TENGEN_')).sort()).toEqual(used);
    expect(nginx.environment.TENGEN_BODY_LIMIT).toBe(tengen.environment.TENGEN_BODY_LIMIT);
    expect(nginx.environment.TENGEN_UPSTREAM_SERVERS).toContain('server tengen:8080 ');
    // stop_grace_period must outlast Tengen's graceful shutdown.
    expect(Number(/^(\d+)s$/.exec(tengen.stop_grace_period)![1]) * 1000).toBeGreaterThan(Number(tengen.environment.TENGEN_SHUTDOWN_TIMEOUT_MS));
  });

  it.skipIf(!NGINX)('renders to a config nginx accepts (the compose variables, the service name pointed at loopback)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tengen-nginx-t-'));
    const conf = writeLoopbackConfig(dir, 18080, [18081]);
    // Replace the loopback site with the compose rendering (nginx -t resolves host names, so `tengen` → 127.0.0.1).
    const env = { ...nginx.environment, TENGEN_UPSTREAM_SERVERS: nginx.environment.TENGEN_UPSTREAM_SERVERS.replace('tengen:', '127.0.0.1:'), TENGEN_PROXY_LISTEN: '127.0.0.1:18080' };
    writeFileSync(path.join(dir, 'tengen.conf'), renderTemplate(template, env));
    const r = spawnSync(NGINX!, ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // A broken variant fails the same check.
    writeFileSync(path.join(dir, 'tengen.conf'), renderTemplate(template, env).replace('proxy_next_upstream ', 'proxy_next_upstrem '));
    expect(spawnSync(NGINX!, ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' }).status).not.toBe(0);
  });

  it('refuses to render with a variable missing', () => {
    expect(() => renderTemplate(template, { TENGEN_PROXY_LISTEN: '1', TENGEN_BODY_LIMIT: '1' })).toThrow(/TENGEN_UPSTREAM_SERVERS is not set/);
  });
});

describe('docker/k8s manifests', () => {
  it.skipIf(validatorMissing !== null)('validate strictly against the Kubernetes 1.30 and 1.33 schemas (kubernetes-validate)', () => {
    for (const version of ['1.30.0', '1.33.0']) {
      const r = spawnSync(python, ['-m', 'kubernetes_validate', '--strict', '-k', version, ...manifests.map((f) => path.join(k8sDir, f))], { encoding: 'utf8' });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect((r.stdout.match(/passed/g) ?? []).length).toBe(manifests.length);
    }
    // The validator does reject a wrong field (so a pass means something).
    const dir = mkdtempSync(path.join(tmpdir(), 'tengen-k8s-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(path.join(k8sDir, 'deployment.yaml'), 'utf8').replace('readinessProbe:', 'readinesProbe:'));
    expect(spawnSync(python, ['-m', 'kubernetes_validate', '--strict', '-k', '1.30.0', bad], { encoding: 'utf8' }).status).not.toBe(0);
  });
  if (validatorMissing) it.skip(`schema validation skipped: ${validatorMissing}`, () => {});

  it('ties probes, ports, shutdown, Service, HPA and PDB together', () => {
    const dep = docs['deployment.yaml'];
    const pod = dep.spec.template;
    const c = pod.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const httpPort = c.ports.find((p: { name: string }) => p.name === 'http').containerPort;
    expect(String(httpPort)).toBe(env.PORT);
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.startupProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    // Grace period ≥ preStop delay + Tengen's shutdown timeout.
    const preStop = Number(c.lifecycle.preStop.exec.command[1]);
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + Number(env.TENGEN_SHUTDOWN_TIMEOUT_MS) / 1000);
    expect(dep.spec.selector.matchLabels).toEqual(pod.metadata.labels);
    expect(c.resources.requests.cpu).toBeDefined();
    expect(c.resources.requests.memory).toBeDefined();
    const svc = docs['service.yaml'];
    expect(svc.spec.selector).toEqual(pod.metadata.labels);
    expect(svc.spec.ports[0].targetPort).toBe('http');
    const hpa = docs['hpa.yaml'];
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: dep.metadata.name });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(docs['pdb.yaml'].spec.selector.matchLabels).toEqual(pod.metadata.labels);
    expect(docs['ingress.yaml'].spec.rules[0].http.paths[0].backend.service).toEqual({ name: svc.metadata.name, port: { name: 'http' } });
    expect(docs['ingress.yaml'].metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('1m');
    expect(Number(env.TENGEN_BODY_LIMIT)).toBe(1048576);
    const kust = parseYaml(readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kust.resources.sort()).toEqual(manifests.sort());
  });
});

describe('docker/Dockerfile: native TensorFlow by the npm ci route', () => {
  const instrs = parseDockerfile(readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8'));
  const stages: { name: string; body: typeof instrs }[] = [];
  for (const i of instrs) {
    if (i.keyword === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(i.args)?.[1] ?? '', body: [] });
    else stages.at(-1)?.body.push(i);
  }
  const deps = stages.find((s) => s.name === 'deps')!;
  const runtime = stages.at(-1)!;
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('the builder stage has what the postinstall needs before npm ci runs it, and copies its script first', () => {
    const npmCi = deps.body.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(npmCi).toBeGreaterThan(0);
    const apt = deps.body.findIndex((i) => i.keyword === 'RUN' && /apt-get install/.test(i.args));
    expect(apt).toBeGreaterThanOrEqual(0);
    expect(apt).toBeLessThan(npmCi);
    for (const tool of ['python3', 'python3-pip', 'make', 'g++']) expect(deps.body[apt].args.split(/\s+/)).toContain(tool);
    const post = pkg.scripts.postinstall ?? '';
    const script = /scripts\/[\w.-]+/.exec(post)?.[0];
    if (!script) return; // no postinstall (yet): nothing to cross-check
    const copied = deps.body.slice(0, npmCi).some((i) => i.keyword === 'COPY' && i.args.split(/\s+/).some((a) => script.startsWith(a.replace(/\/$/, '') + '/') || a === script));
    expect(copied, `the deps stage must COPY ${script} before npm ci`).toBe(true);
    // The wheel cache outlives the build step (BuildKit cache mount on TENGEN_CACHE_DIR).
    const cacheDir = deps.body.find((i) => i.keyword === 'ENV' && i.args.includes('TENGEN_CACHE_DIR'))?.args.split('=')[1];
    expect(deps.body[npmCi].args).toContain(`--mount=type=cache,target=${cacheDir}`);
  });

  it('the runtime stage installs no compiler and takes node_modules (binding + libraries) from the builder', () => {
    expect(runtime.body.some((i) => i.keyword === 'RUN' && /apt-get|g\+\+|python3/.test(i.args))).toBe(false);
    expect(runtime.body.some((i) => i.keyword === 'COPY' && i.args.includes('--from=deps') && i.args.includes('/app/node_modules'))).toBe(true);
  });
});

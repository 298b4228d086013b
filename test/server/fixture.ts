// Shared setup for server tests: a tiny random model, a loaded engine and a built app (inject only, no port).
import type { FastifyInstance } from 'fastify';
import { Engine, type EngineOptions } from '../../src/engine/index.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { makeTinyModel } from '../engine/model-fixture.js';

export interface Fixture {
  app: FastifyInstance;
  engine: Engine;
  modelDir: string;
  close(): Promise<void>;
}

/**
 * Builds an app over a fresh tiny model; `engineOpts` / `appOpts` override the defaults. Event-loop load shedding
 * is off unless a test turns it on: on a busy machine it would answer a functional test's request with 503.
 */
export async function makeApp(appOpts: Partial<AppOptions> = {}, engineOpts: Partial<EngineOptions> = {}, headScale?: number): Promise<Fixture> {
  const model = await makeTinyModel('basic', 7, headScale);
  const fx = await makeAppOver(model.dir, appOpts, engineOpts);
  return {
    ...fx,
    async close() {
      await fx.close();
      model.cleanup();
    },
  };
}

/** Builds an app over an existing model dir (the caller owns the dir); the same defaults as makeApp. */
export async function makeAppOver(modelDir: string, appOpts: Partial<AppOptions> = {}, engineOpts: Partial<EngineOptions> = {}): Promise<Fixture> {
  const engine = await Engine.load({ modelDir, backend: 'cpu', ...engineOpts });
  const app = await buildApp({ engine, maxEventLoopDelayMs: 0, ...appOpts });
  await app.ready();
  return {
    app,
    engine,
    modelDir,
    async close() {
      await app.close();
      await engine.close();
    },
  };
}

/** A problem+json answer's parsed body, after checking the content type. */
export function problemOf(res: { headers: Record<string, unknown>; body: string }): Record<string, unknown> {
  const ct = String(res.headers['content-type']);
  if (!ct.startsWith('application/problem+json')) throw new Error(`expected application/problem+json, got ${ct}: ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as Record<string, unknown>;
}

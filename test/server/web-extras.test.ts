// Web board extras (issues 12/13), in chromium: "think" searches the position shown over the KataGo WebSocket and
// shows visits, win rate and principal variations live, following the board as it moves; the review draws Black's
// win rate before each move when the model has a value head, and says there is none otherwise.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveRandomModel } from '../../src/model/random-model.js';
import { makeApp, type Fixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('web board extras (chromium)', () => {
  let fx: Fixture;
  let url: string;
  let valueFx: Fixture;
  let valueUrl: string;
  let root: string;
  let browser: Browser;
  beforeAll(async () => {
    fx = await makeApp();
    url = await fx.app.listen({ host: '127.0.0.1', port: 0 });
    root = mkdtempSync(path.join(os.tmpdir(), 'tengen-web-value-'));
    await saveRandomModel(path.join(root, 'tiny-value'), 'alphago49', { seed: 5, arch: { valueHead: { channels: 2, hidden: 8 } } });
    valueFx = await makeApp({}, { modelDir: path.join(root, 'tiny-value') });
    valueUrl = await valueFx.app.listen({ host: '127.0.0.1', port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
    await valueFx?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function openPage(at = url): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.setDefaultTimeout(120_000);
    await page.goto(at);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined);
    return page;
  }

  it('think: visits grow live for the position shown, lines are legal moves with a principal variation', async () => {
    const page = await openPage();
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    await page.check('#think');
    await page.waitForFunction(() => Number(document.body.dataset.thinkVisits ?? 0) > 0);
    const first = Number(await page.evaluate(() => document.body.dataset.thinkVisits));
    await page.waitForFunction((v: number) => Number(document.body.dataset.thinkVisits ?? 0) > v, first);
    const lines = await page.evaluate(() => Array.from(document.querySelectorAll('#think-lines li')).map((li) => ({ vertex: (li as HTMLElement).dataset.vertex, text: li.textContent })));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.text).toMatch(/^[A-T]\d+ — \d+ visits, B \d+\.\d% [A-T]\d+/);
    expect(await page.locator('#think-summary').textContent()).toMatch(/^\d+ visits, Black \d+\.\d%/);
    // Play a move on the board: the search restarts on the new position (D4 is no longer a candidate).
    const box = (await page.locator('#board').boundingBox())!;
    await page.mouse.click(box.x + (32 + 3 * 32) * (box.width / 640), box.y + (32 + 15 * 32) * (box.width / 640));
    await page.waitForFunction(() => (document.querySelector('#position')?.textContent ?? '') === 'move 1/1 — B D4');
    await page.waitForFunction(
      () => Number(document.body.dataset.thinkVisits ?? 0) > 0 && Array.from(document.querySelectorAll('#think-lines li')).every((li) => (li as HTMLElement).dataset.vertex !== 'D4'),
    );
    await page.uncheck('#think');
    expect(await page.locator('#think-panel').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("review: a value model's win rates as a line over the bars; a policy-only model says it has none", async () => {
    const sgf = '(;SZ[19]KM[6.5];B[pd];W[dd];B[pp];W[dp];B[fq];W[cn];B[qj])';
    const withValue = await openPage(valueUrl);
    await withValue.fill('#sgf', sgf);
    await withValue.click('#load');
    await withValue.waitForSelector('#chart polyline.winrate');
    const api = (await (await fetch(`${valueUrl}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sgf, topK: 5 }) })).json()) as {
      moves: { winrate: number }[];
    };
    const ys = (await withValue.locator('#chart polyline.winrate').getAttribute('points'))!.trim().split(/\s+/).map((p) => Number(p.split(',')[1]));
    expect(ys).toHaveLength(7);
    ys.forEach((y, i) => expect(y).toBeCloseTo(120 - api.moves[i]!.winrate * 120, 1));
    expect(await withValue.locator('#winrate-note').textContent()).toMatch(/Black's win rate/);
    await withValue.close();

    const policyOnly = await openPage();
    await policyOnly.fill('#sgf', sgf);
    await policyOnly.click('#load');
    await policyOnly.waitForSelector('#chart rect.bar');
    await policyOnly.waitForFunction(() => /no value head/.test(document.querySelector('#winrate-note')?.textContent ?? ''));
    expect(await policyOnly.locator('#chart polyline.winrate').count()).toBe(0);
    await policyOnly.close();
  }, 300_000);
});

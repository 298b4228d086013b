// The web board in a real browser (chromium via playwright-core): click a point → a stone and a heat map;
// paste an SGF → step through it with buttons and arrow keys, and see the review chart.
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type Fixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
// Screenshots for a human look go outside the repository.
const SHOTS = path.join(os.tmpdir(), 'tengen-web-shots');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web board test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('web board (chromium)', () => {
  let fx: Fixture;
  let url: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;
  beforeAll(async () => {
    fx = await makeApp();
    url = await fx.app.listen({ host: '127.0.0.1', port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  it('click a point: a stone appears and the heat map shows the reply', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('#heatmap circle.heat');
    expect(await page.locator('#stones circle').count()).toBe(0);
    // Q16 is column 15, row 3 from the top: click its intersection in SVG coordinates.
    const box = await page.locator('#board').boundingBox();
    const scale = box.width / 640;
    await page.mouse.click(box.x + (32 + 15 * 32) * scale, box.y + (32 + 3 * 32) * scale);
    await page.waitForSelector('#stones circle.black[data-point="Q16"]');
    await page.waitForFunction(() => document.querySelector('#toplay')?.textContent?.includes('White'));
    const heat = await page.locator('#heatmap circle.heat').count();
    expect(heat).toBeGreaterThan(5);
    expect(await page.locator('#top li').count()).toBe(10);
    expect(await page.locator('#position').textContent()).toContain('move 1/1');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'web-board-click.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('paste an SGF, step with buttons and arrow keys, see the review chart', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(url);
    const sgf = '(;GM[1]SZ[19]KM[6.5]PB[a]PW[b];B[pd];W[dd];B[pp];W[dp];B[fq];W[cn])';
    await page.fill('#sgf', sgf);
    await page.click('#load');
    await page.waitForSelector('#chart rect.bar');
    expect(await page.locator('#chart rect.bar').count()).toBe(6);
    expect(await page.locator('#position').textContent()).toContain('move 0/6');
    await page.click('#next');
    await page.click('#next');
    expect(await page.locator('#position').textContent()).toContain('move 2/6 — W D16');
    expect(await page.locator('#stones circle.black, #stones circle.white').count()).toBe(2);
    await page.keyboard.press('End');
    expect(await page.locator('#position').textContent()).toContain('move 6/6');
    expect(await page.locator('#stones circle.white').count()).toBe(3);
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#position').textContent()).toContain('move 5/6');
    await page.waitForFunction(() => document.querySelector('#toplay')?.textContent?.includes('White'));
    await page.waitForSelector('#heatmap circle.heat');
    // The point of the next move in the game (C6) is empty here and gets a heat value from the model.
    expect(await page.locator('#summary').textContent()).toMatch(/top-1 \d+%/);
    await page.screenshot({ path: path.join(SHOTS, 'web-board-review.png') });
    await page.keyboard.press('Home');
    expect(await page.locator('#stones circle').count()).toBe(0);
    await page.close();
  });
});

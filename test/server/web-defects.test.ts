// Web board defects of issue 14, in a real browser (chromium via playwright-core): a refused ko retake leaves no
// trace, a failed review keeps its message, the step buttons stay put, A1/A19 do not cover their labels, rank
// labels carry a dark outline, and loading the page asks for nothing that is missing (favicon).
import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type Fixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const games = readFileSync(new URL('../../sgf-data/tom9d-2010-07-first20.sgf', import.meta.url), 'utf8');
const firstGame = games.slice(games.indexOf('('), games.indexOf(')') + 1);

describe.skipIf(!hasChromium)('web board defects (chromium)', () => {
  let fx: Fixture;
  let url: string;
  let browser: Browser;
  beforeAll(async () => {
    fx = await makeApp();
    url = await fx.app.listen({ host: '127.0.0.1', port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  async function openPage(missing: string[] = []): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.setDefaultTimeout(120_000);
    page.on('response', (r) => {
      if (r.status() === 404) missing.push(r.url());
    });
    await page.goto(url);
    await settled(page, 'move 0');
    return page;
  }

  async function settled(page: Page, position: string): Promise<void> {
    await page.waitForFunction(
      (want: string) => document.body.dataset.ready !== undefined && (document.querySelector('#position')?.textContent ?? '').startsWith(want),
      position,
    );
  }

  async function clickVertex(page: Page, gtp: string): Promise<void> {
    const x = 'ABCDEFGHJKLMNOPQRST'.indexOf(gtp[0]!);
    const y = 19 - Number(gtp.slice(1));
    const box = await page.locator('#board').boundingBox();
    if (!box) throw new Error('#board is not visible');
    const scale = box.width / 640;
    await page.mouse.click(box.x + (32 + x * 32) * scale, box.y + (32 + y * 32) * scale);
  }

  it('a refused ko retake leaves the board, the move list and the side to move as they were', async () => {
    const missing: string[] = [];
    const page = await openPage(missing);
    // Black takes the ko at F11 (capturing E11) on move 9; White's immediate retake at E11 is illegal.
    const moves = ['E12', 'F12', 'D11', 'G11', 'E10', 'F10', 'Q16', 'E11', 'F11'];
    for (const [i, v] of moves.entries()) {
      await clickVertex(page, v);
      await settled(page, `move ${i + 1}/`);
    }
    const before = await page.evaluate(() => Array.from(document.querySelectorAll('#stones circle[data-point]')).map((c) => `${c.getAttribute('class')} ${c.getAttribute('data-point')}`).sort());
    expect(before).not.toContain('white E11');
    await clickVertex(page, 'E11');
    await page.waitForFunction(() => document.querySelector('#status')?.classList.contains('error'));
    await settled(page, 'move 9/9');
    const after = await page.evaluate(() => ({
      stones: Array.from(document.querySelectorAll('#stones circle[data-point]')).map((c) => `${c.getAttribute('class')} ${c.getAttribute('data-point')}`).sort(),
      position: document.querySelector('#position')?.textContent,
      toPlay: document.querySelector('#toplay')?.textContent,
      status: document.querySelector('#status')?.textContent,
      top: document.querySelectorAll('#top li').length,
    }));
    expect(after.stones).toEqual(before);
    expect(after.position).toBe('move 9/9 — B F11');
    expect(after.toPlay).toBe('(White to play)');
    expect(after.status).toMatch(/E11.*ko/i);
    expect(after.top).toBeGreaterThan(0); // the suggestions of the position shown are back
    // The page, its icon included, asked for nothing that is missing.
    expect(missing).toEqual([]);
    await page.close();
  }, 300_000);

  it('a failed review keeps its message while the board moves on', async () => {
    const page = await openPage();
    // The page draws any move; the server, replaying the game, refuses White's move onto Black's stone.
    await page.fill('#sgf', '(;SZ[19];B[pd];W[pd];B[dd];W[dp])');
    await page.click('#load');
    await page.waitForFunction(() => /review failed/.test(document.querySelector('#review-status')?.textContent ?? ''));
    await page.click('#next');
    await settled(page, 'move 1/');
    await page.click('#next');
    await settled(page, 'move 2/');
    expect(await page.locator('#review-status').textContent()).toMatch(/review failed: move 2 \(W Q16\): point is occupied/);
    await page.close();
  }, 300_000);

  it('the step buttons stay put, the corner stones clear their labels, rank labels are outlined', async () => {
    const page = await openPage();
    await page.fill('#sgf', firstGame);
    await page.click('#load');
    await settled(page, 'move 0/');
    const nextAt = async () => (await page.locator('#next').boundingBox())!.x;
    const x0 = await nextAt();
    await page.click('#last');
    await page.waitForFunction(() => /^move \d{3}\/\d{3} — [BW] [A-T]\d+/.test(document.querySelector('#position')?.textContent ?? ''));
    expect(await nextAt()).toBe(x0);
    await page.click('#clear');
    await settled(page, 'move 0/0');
    for (const [i, v] of ['A1', 'A19'].entries()) {
      await clickVertex(page, v);
      await settled(page, `move ${i + 1}/`);
    }
    const overlaps = await page.evaluate(() => {
      const box = (e: Element) => e.getBoundingClientRect();
      const meet = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      const labels = Array.from(document.querySelectorAll('#board text.coord'));
      const out: string[] = [];
      for (const p of ['A1', 'A19']) {
        const stone = document.querySelector(`#stones circle[data-point="${p}"]`)!;
        for (const l of labels) if (meet(box(stone), box(l))) out.push(`${p} covers "${l.textContent}"`);
      }
      return out;
    });
    expect(overlaps).toEqual([]);
    const rank = await page.evaluate(() => {
      const t = document.querySelector('#heatmap text.rank');
      if (!t) return null;
      const s = getComputedStyle(t);
      return { fill: s.fill, stroke: s.stroke, width: parseFloat(s.strokeWidth) };
    });
    expect(rank).not.toBeNull();
    expect(rank!.stroke).not.toBe('none');
    const dark = rank!.stroke.match(/\d+/g)!.slice(0, 3).map(Number);
    expect(Math.max(...dark)).toBeLessThan(80);
    expect(rank!.width).toBeGreaterThanOrEqual(2);
    await page.close();
  }, 300_000);
});

// The web board in a real browser (chromium via playwright-core): click points, load an SGF by file and by
// pasting, step through it; at each checked position the top-move list and the heat map must be exactly what
// our own /v1/suggest call answers for the same position. Screenshots go to a temp folder.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorLetter } from '../../src/go/constants.js';
import { pointToGtp } from '../../src/go/coords.js';
import { parseSgfGame, toGameRecord } from '../../src/sgf/index.js';
import { decodePng } from '../eval/png-decode.js';
import { makeApp, type Fixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
// Screenshots for a human look go outside the repository.
const SHOTS = path.join(os.tmpdir(), 'tengen-web-shots');
const SHOT_FILES = ['web-board-click.png', 'web-board-file.png', 'web-board-review.png'];
const SGF_FILE = fileURLToPath(new URL('../../sgf-data/tom9d-2010-07-first20.sgf', import.meta.url));
// What app.js asks for and how it draws: topK of /v1/suggest, heat marks only where sqrt(p / max) >= 0.08,
// 5 rank labels, probabilities shown as percentages with one decimal.
const PAGE_TOP_K = 10;
const HEAT_MIN = 0.08;
const RANK_LABELS = 5;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web board test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

interface Suggestion {
  toPlay: 'B' | 'W';
  moves: { gtp: string; prob: number }[];
  policy: number[];
}
interface Shown {
  toPlay: string;
  status: { text: string; error: boolean };
  top: { vertex: string; prob: string; text: string }[];
  heat: { point: string; prob: string; r: number }[];
  ranks: { point: string; text: string }[];
}


describe.skipIf(!hasChromium)('web board (chromium)', () => {
  let fx: Fixture;
  let url: string;
  let browser: Browser;
  beforeAll(async () => {
    for (const f of SHOT_FILES) rmSync(path.join(SHOTS, f), { force: true });
    mkdirSync(SHOTS, { recursive: true });
    // A peaked random policy (head weights ×24), so the heat map's display threshold hides some points.
    fx = await makeApp({}, {}, 24);
    url = await fx.app.listen({ host: '127.0.0.1', port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  /** A fresh page; waits fail after 120 s (a hang guard, generous for a busy machine) with Playwright's message rather than at the test timeout. */
  async function openPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.setDefaultTimeout(120_000);
    return page;
  }

  /** Our own /v1/suggest call, as the page makes it (same topK, with the policy). */
  async function suggest(body: Record<string, unknown>): Promise<Suggestion> {
    const res = await fetch(`${url}/v1/suggest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, topK: PAGE_TOP_K, includePolicy: true }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Suggestion;
  }

  /** Waits until the position line starts with `position` and the model's answer for it is rendered. */
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

  async function shown(page: Page): Promise<Shown> {
    return page.evaluate(() => ({
      toPlay: document.querySelector('#toplay')?.textContent ?? '',
      status: { text: document.querySelector('#status')?.textContent ?? '', error: document.querySelector('#status')?.classList.contains('error') ?? false },
      top: Array.from(document.querySelectorAll<HTMLElement>('#top li')).map((li) => ({ vertex: li.dataset.vertex ?? '', prob: li.dataset.prob ?? '', text: li.textContent ?? '' })),
      heat: Array.from(document.querySelectorAll('#heatmap circle.heat')).map((c) => ({
        point: c.getAttribute('data-point') ?? '',
        prob: c.getAttribute('data-prob') ?? '',
        r: Number(c.getAttribute('r')),
      })),
      ranks: Array.from(document.querySelectorAll('#heatmap text.rank')).map((t) => ({ point: t.getAttribute('data-point') ?? '', text: t.textContent ?? '' })),
    }));
  }

  /** The page shows exactly `api`: top list (order, vertices, rounded percentages), heat marks and rank labels. */
  async function expectShows(page: Page, api: Suggestion): Promise<void> {
    const s = await shown(page);
    expect(s.status.error, s.status.text).toBe(false);
    expect(s.toPlay).toBe(api.toPlay === 'B' ? '(Black to play)' : '(White to play)');
    expect(api.moves).toHaveLength(PAGE_TOP_K);
    expect(s.top.map((m) => m.vertex)).toEqual(api.moves.map((m) => m.gtp));
    expect(s.top.map((m) => m.text)).toEqual(api.moves.map((m) => `${m.gtp} — ${(m.prob * 100).toFixed(1)}%`));
    expect(s.top.map((m) => Number(m.prob))).toEqual(api.moves.map((m) => m.prob));
    // Heat marks: exactly the points above the display threshold, each carrying the API's probability.
    const max = Math.max(...api.policy);
    const expected = new Map<string, number>();
    api.policy.forEach((v, p) => {
      if (v > 0 && Math.sqrt(v / max) >= HEAT_MIN) expected.set(pointToGtp(p), v);
    });
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(api.policy.filter((v) => v > 0).length); // the threshold hides some
    expect(s.heat.map((h) => h.point).sort()).toEqual([...expected.keys()].sort());
    for (const h of s.heat) expect(h.prob, h.point).toBe(expected.get(h.point)!.toFixed(5));
    // Intensity follows the API's probability: the largest mark is the API's best move, and no less probable
    // point has a larger mark.
    const byProb = [...s.heat].sort((a, b) => expected.get(b.point)! - expected.get(a.point)!);
    expect(byProb[0]!.point).toBe(api.moves[0]!.gtp);
    expect(Math.max(...s.heat.map((h) => h.r))).toBe(byProb[0]!.r);
    for (let i = 1; i < byProb.length; i++) expect(byProb[i]!.r).toBeLessThanOrEqual(byProb[i - 1]!.r);
    expect(s.ranks).toEqual(api.moves.slice(0, RANK_LABELS).map((m, i) => ({ point: m.gtp, text: String(i + 1) })));
  }

  /**
   * The board as the browser painted it (a screenshot of #board, also saved for a human look): at each stone the
   * DOM lists, the pixel is that stone's colour; between points the empty board is the wood colour; and at the
   * best move the heat mark is red. Pixels, not the DOM: a stone drawn off its point or a heat map the CSS hides
   * fails here.
   */
  async function expectBoardPixels(page: Page, name: string, bestMove: string): Promise<void> {
    const png = decodePng(await page.locator('#board').screenshot({ path: path.join(SHOTS, name) }));
    const scale = png.width / 640; // the SVG's viewBox is 640 wide; points at 32 + 32·i
    const rgb = (x: number, y: number): number[] => {
      const i = (Math.round(y * scale) * png.width + Math.round(x * scale)) * 4;
      return [png.rgba[i]!, png.rgba[i + 1]!, png.rgba[i + 2]!];
    };
    const at = (gtp: string, dx = 0, dy = 0): number[] => rgb(32 + 32 * 'ABCDEFGHJKLMNOPQRST'.indexOf(gtp[0]!) + dx, 32 + 32 * (19 - Number(gtp.slice(1))) + dy);
    const stones: { point: string; black: boolean }[] = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#stones circle.black, #stones circle.white')).map((c) => ({ point: c.getAttribute('data-point') ?? '', black: c.classList.contains('black') })),
    );
    expect(stones.length).toBeGreaterThan(0);
    for (const st of stones) {
      if (st.black) expect(Math.max(...at(st.point)), `black stone at ${st.point}`).toBeLessThan(60);
      else expect(Math.min(...at(st.point)), `white stone at ${st.point}`).toBeGreaterThan(225);
    }
    // The middle of the A19–B18 square: 22.6 units from any point, beyond every stone and heat mark.
    const wood = ((await page.evaluate(() => getComputedStyle(document.querySelector('#board')!).backgroundColor)) as string).match(/\d+/g)!.slice(0, 3).map(Number);
    rgb(48, 48).forEach((v, k) => expect(Math.abs(v - wood[k]!), `board background ${rgb(48, 48)} vs wood ${wood}`).toBeLessThan(16));
    // Off the centre (the rank label) and off the grid lines; the mark of the best move is the most opaque.
    const [r, g, b] = at(bestMove, 7, 7);
    expect(r! - Math.max(g!, b!), `heat mark at ${bestMove}: rgb ${[r, g, b]}`).toBeGreaterThan(60);
  }

  it('click points: stones appear, top moves and heat map match /v1/suggest for the position', async () => {
    const page = await openPage();
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    await page.goto(url);
    await settled(page, 'move 0/0');
    expect(await page.locator('#stones circle').count()).toBe(0);
    await expectShows(page, await suggest({ moves: [] }));
    const played: ['B' | 'W', string][] = [['B', 'Q16'], ['W', 'D4'], ['B', 'C16']];
    for (const [i, [color, v]] of played.entries()) {
      await clickVertex(page, v);
      await settled(page, `move ${i + 1}/${i + 1} — ${color} ${v}`);
      await page.waitForSelector(`#stones circle.${color === 'B' ? 'black' : 'white'}[data-point="${v}"]`);
    }
    expect(await page.locator('#stones circle.black, #stones circle.white').count()).toBe(3);
    const api = await suggest({ moves: played });
    expect(api.toPlay).toBe('W');
    await expectShows(page, api);
    await expectBoardPixels(page, SHOT_FILES[0]!, api.moves[0]!.gtp);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('load an SGF file, step to a middle move: top moves and heat map match /v1/suggest', async () => {
    const page = await openPage();
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    await page.goto(url);
    await settled(page, 'move 0/0');
    // The position is rebuilt here with the server's SGF reader, independently of the page's own parser.
    const rec = toGameRecord(parseSgfGame(readFileSync(SGF_FILE)));
    const n = rec.moves.length;
    expect(n).toBeGreaterThan(100);
    await page.setInputFiles('#file', SGF_FILE);
    await settled(page, `move 0/${n}`);
    expect(await page.locator('#sgf').inputValue()).toBe(readFileSync(SGF_FILE, 'utf8'));
    // Wait for the review, so the page's next /v1/suggest is not batched with the review's positions.
    await page.waitForSelector('#chart rect.bar');
    expect(await page.locator('#chart rect.bar').count()).toBe(n);
    const mid = Math.floor(n / 2);
    await page.locator('#chart rect.bar').nth(mid).click();
    const last = rec.moves[mid - 1]!;
    await settled(page, `move ${mid}/${n} — ${colorLetter(last.color)} ${pointToGtp(last.point)}`);
    const moves = rec.moves.slice(0, mid).map((m) => [colorLetter(m.color), pointToGtp(m.point)]);
    const api = await suggest({ moves, ...(rec.komi === null ? {} : { komi: rec.komi }) });
    expect(api.toPlay).toBe(mid % 2 === 0 ? 'B' : 'W');
    await expectShows(page, api);
    await expectBoardPixels(page, SHOT_FILES[1]!, api.moves[0]!.gtp);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('paste an SGF, step with buttons and arrow keys, see the review chart', async () => {
    const page = await openPage();
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
    await settled(page, 'move 5/6 — B F3');
    expect(await page.locator('#summary').textContent()).toMatch(/top-1 \d+%/);
    const api = await suggest({ moves: ['Q16', 'D16', 'Q4', 'D4', 'F3'], komi: 6.5 });
    await expectShows(page, api);
    await expectBoardPixels(page, SHOT_FILES[2]!, api.moves[0]!.gtp);
    await page.keyboard.press('Home');
    expect(await page.locator('#stones circle').count()).toBe(0);
    await page.close();
  });
});

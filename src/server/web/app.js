// The web board: play by clicking, load an SGF and step through it, see the model's heat map and top moves
// for the position shown, and a review of the loaded game (probability / rank of each played move).
import { SIZE, parseSgfMainLine, replay, splitGames, toGtp, toPoint } from './goban.js';

const NS = 'http://www.w3.org/2000/svg';
const CELL = 32;
const MARGIN = 32;
const $ = (id) => document.getElementById(id);

const state = {
  setup: { black: [], white: [] },
  firstPlayer: 1,
  moves: [], // [{color, point}] of the game or of clicks
  cursor: 0, // moves shown
  sgf: null, // the loaded SGF text (positions then come from it, so setup/ko are exactly the server's)
  review: null, // /v1/analyze answer for the loaded SGF
  policy: null,
  top: [],
  requestSeq: 0,
};

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

const cx = (p) => MARGIN + (p % SIZE) * CELL;
const cy = (p) => MARGIN + Math.floor(p / SIZE) * CELL;

function drawGrid(svg) {
  svg.replaceChildren();
  const g = el('g', {}, svg);
  for (let i = 0; i < SIZE; i++) {
    el('line', { class: 'line', x1: MARGIN, y1: MARGIN + i * CELL, x2: MARGIN + 18 * CELL, y2: MARGIN + i * CELL }, g);
    el('line', { class: 'line', x1: MARGIN + i * CELL, y1: MARGIN, x2: MARGIN + i * CELL, y2: MARGIN + 18 * CELL }, g);
    // Labels sit outside the stones' reach (a stone spans ±CELL/2 around its point): column letters above the top
    // row's stones, row numbers right-aligned left of the first column's, so A1 or A19 never covers its label.
    el('text', { class: 'coord', x: MARGIN + i * CELL, y: MARGIN / 2 - 6 }, g).textContent = 'ABCDEFGHJKLMNOPQRST'[i];
    el('text', { class: 'coord row', x: MARGIN / 2 - 2, y: MARGIN + i * CELL }, g).textContent = String(SIZE - i);
  }
  for (const x of [3, 9, 15]) for (const y of [3, 9, 15]) el('circle', { class: 'star', cx: MARGIN + x * CELL, cy: MARGIN + y * CELL, r: 3.5 }, g);
  el('g', { id: 'stones' }, svg);
  el('g', { id: 'heatmap' }, svg);
}

function toPlayAt(n) {
  if (n < state.moves.length) return state.moves[n].color;
  if (n === 0) return state.firstPlayer;
  return 3 - state.moves[n - 1].color;
}

function render() {
  const stones = replay(state.setup, state.moves.slice(0, state.cursor));
  const layer = $('stones');
  layer.replaceChildren();
  for (let p = 0; p < SIZE * SIZE; p++) {
    if (stones[p]) el('circle', { class: stones[p] === 1 ? 'black' : 'white', cx: cx(p), cy: cy(p), r: CELL / 2 - 1, 'data-point': toGtp(p) }, layer);
  }
  const last = state.cursor > 0 ? state.moves[state.cursor - 1] : null;
  if (last && last.point >= 0) el('circle', { class: 'last', cx: cx(last.point), cy: cy(last.point), r: CELL / 5 }, layer);
  const moveNo = state.cursor;
  const played = last ? ` — ${last.color === 1 ? 'B' : 'W'} ${toGtp(last.point)}` : '';
  $('position').textContent = `move ${moveNo}/${state.moves.length}${played}`;
  renderHeat();
  renderChartCursor();
}

function renderHeat() {
  const layer = $('heatmap');
  layer.replaceChildren();
  if (!state.policy || !$('heat').checked) return;
  const max = Math.max(...state.policy);
  if (!(max > 0)) return;
  for (let p = 0; p < SIZE * SIZE; p++) {
    const v = state.policy[p];
    if (v <= 0) continue;
    const a = Math.sqrt(v / max);
    if (a < 0.08) continue;
    el('circle', { class: 'heat', cx: cx(p), cy: cy(p), r: CELL * 0.42 * a + 2, 'fill-opacity': (0.15 + 0.7 * a).toFixed(3), 'data-prob': v.toFixed(5), 'data-point': toGtp(p) }, layer);
  }
  state.top.slice(0, 5).forEach((m, i) => {
    const p = toPoint(m.gtp);
    if (p !== null && p >= 0) el('text', { class: 'rank', x: cx(p), y: cy(p), 'data-point': m.gtp }, layer).textContent = String(i + 1);
  });
}

function renderTop(toPlay) {
  $('toplay').textContent = `(${toPlay === 'B' ? 'Black' : 'White'} to play)`;
  const ol = $('top');
  ol.replaceChildren();
  for (const m of state.top) {
    const li = document.createElement('li');
    li.textContent = `${m.gtp} — ${(m.prob * 100).toFixed(1)}%`;
    // Hooks for the browser test, which compares the list with its own /v1/suggest answer.
    li.dataset.vertex = m.gtp;
    li.dataset.prob = String(m.prob);
    li.addEventListener('click', () => playAt(toPoint(m.gtp)));
    ol.appendChild(li);
  }
}

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.detail || `${res.status} ${res.statusText}`), { problem: data });
  return data;
}

function positionBody() {
  if (state.sgf !== null && state.cursor <= state.sgfMoves) {
    return { sgf: state.sgf, moveNumber: state.cursor };
  }
  const moves = state.moves.slice(0, state.cursor).map((m) => [m.color === 1 ? 'B' : 'W', toGtp(m.point)]);
  const setup = { black: state.setup.black.map(toGtp), white: state.setup.white.map(toGtp) };
  return { moves, setup, toPlay: toPlayAt(state.cursor) === 1 ? 'B' : 'W' };
}

/**
 * Asks the model about the position shown; stale answers (the user moved on) are dropped. With `trial` (a move
 * just clicked), a refusal of that move is not shown but resolved as {illegal, message} for playAt to undo it.
 */
async function suggest(trial = false) {
  const seq = ++state.requestSeq;
  // body[data-ready] marks "the answer for the position shown is rendered" (tests wait on it).
  delete document.body.dataset.ready;
  try {
    const data = await postJson('/v1/suggest', { ...positionBody(), topK: 10, includePolicy: true });
    if (seq !== state.requestSeq) return;
    state.policy = data.policy;
    state.top = data.moves;
    state.toPlayShown = data.toPlay;
    renderTop(data.toPlay);
    renderHeat();
    setStatus(`${data.toPlay === 'B' ? 'Black' : 'White'} to play — model ${data.model}, ${data.timeMs.toFixed(1)} ms`);
    document.body.dataset.ready = String(seq);
    return null;
  } catch (err) {
    if (seq !== state.requestSeq) return null;
    const problem = err.problem || {};
    if (trial && problem.type === 'urn:tengen:problem:illegal-move' && problem.moveNumber === state.cursor) return { illegal: true, message: err.message };
    state.policy = null;
    state.top = [];
    renderHeat();
    $('top').replaceChildren(); // no stale suggestions from the previous position
    setStatus(err.message, true);
    document.body.dataset.ready = String(seq);
    return null;
  }
}

function go(n) {
  state.cursor = Math.max(0, Math.min(state.moves.length, n));
  state.policy = null;
  render();
  suggest();
  think();
}

// ---------------------------------------------------------------- think: live search over the KataGo WebSocket
// One socket for the page; each position shown is one query with reportDuringSearchEvery, and moving on terminates
// the previous query, so the panel always shows the search of the position on the board.
const thinking = { ws: null, id: null, seq: 0, open: null };

function thinkSocket() {
  if (thinking.ws && thinking.ws.readyState <= 1) return thinking.open;
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/katago`);
  thinking.ws = ws;
  thinking.open = new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(ws));
    ws.addEventListener('error', () => reject(new Error('the analysis socket could not open')));
  });
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id !== thinking.id) return; // an earlier position's answer, or a terminate's echo
    if (msg.error) return renderThinkError(msg.error);
    if (msg.moveInfos) renderThink(msg);
  });
  ws.addEventListener('close', () => {
    if (thinking.ws === ws) thinking.ws = null;
  });
  return thinking.open;
}

function stopThinking() {
  if (thinking.id && thinking.ws && thinking.ws.readyState === 1) thinking.ws.send(JSON.stringify({ id: `${thinking.id}-stop`, action: 'terminate', terminateId: thinking.id }));
  thinking.id = null;
}

async function think() {
  stopThinking();
  const on = $('think').checked;
  $('think-panel').hidden = !on;
  if (!on) return;
  const id = `think-${++thinking.seq}`;
  thinking.id = id;
  $('think-summary').textContent = 'starting…';
  $('think-lines').replaceChildren();
  delete document.body.dataset.thinkVisits;
  const letter = (c) => (c === 1 ? 'B' : 'W');
  const query = {
    id,
    initialStones: [...state.setup.black.map((p) => ['B', toGtp(p)]), ...state.setup.white.map((p) => ['W', toGtp(p)])],
    moves: state.moves.slice(0, state.cursor).map((m) => [letter(m.color), toGtp(m.point)]),
    initialPlayer: letter(state.moves.length > 0 ? state.moves[0].color : state.firstPlayer),
    rules: 'chinese',
    maxVisits: 5000,
    reportDuringSearchEvery: 0.3,
    overrideSettings: { reportAnalysisWinratesAs: 'BLACK' },
  };
  try {
    const ws = await thinkSocket();
    if (thinking.id === id) ws.send(JSON.stringify(query));
  } catch (err) {
    renderThinkError(err.message);
  }
}

function renderThink(msg) {
  const root = msg.rootInfo || {};
  const pct = (w) => `${(w * 100).toFixed(1)}%`;
  $('think-summary').textContent = `${root.visits} visits, Black ${pct(root.winrate)}${msg.isDuringSearch ? '' : ' (done)'}`;
  const ol = $('think-lines');
  ol.replaceChildren();
  for (const m of msg.moveInfos.filter((mi) => mi.visits > 0).slice(0, 6)) {
    const li = document.createElement('li');
    li.dataset.vertex = m.move;
    li.append(`${m.move} — ${m.visits} visits, B ${pct(m.winrate)} `);
    const pv = document.createElement('span');
    pv.className = 'pv';
    pv.textContent = m.pv.slice(0, 8).join(' ');
    li.append(pv);
    li.addEventListener('click', () => playAt(toPoint(m.move)));
    ol.appendChild(li);
  }
  // Hook for the browser test: visits of the latest report for the position shown.
  document.body.dataset.thinkVisits = String(root.visits);
}

function renderThinkError(text) {
  $('think-summary').textContent = text;
  $('think-lines').replaceChildren();
}

/** Plays p for the side to move; if the server refuses the move (ko, superko, suicide) the board is put back as it was. */
async function playAt(p) {
  if (p === null) return;
  const color = toPlayAt(state.cursor);
  const stones = replay(state.setup, state.moves.slice(0, state.cursor));
  if (p >= 0 && stones[p]) return setStatus(`${toGtp(p)} is occupied`, true);
  const before = { moves: state.moves, cursor: state.cursor, sgfMoves: state.sgfMoves, policy: state.policy, top: state.top, toPlayShown: state.toPlayShown };
  state.moves = state.moves.slice(0, state.cursor).concat([{ color, point: p }]);
  if (state.sgf !== null && state.cursor < state.sgfMoves) state.sgfMoves = state.cursor;
  state.cursor += 1;
  state.policy = null;
  render();
  const seq = state.requestSeq + 1;
  const refused = await suggest(true);
  if (!refused || seq !== state.requestSeq) return;
  // Not played after all: the stone, the move list, the side to move and the suggestions go back as they were.
  Object.assign(state, before);
  render();
  if (state.toPlayShown) renderTop(state.toPlayShown);
  setStatus(`${color === 1 ? 'Black' : 'White'} ${toGtp(p)} is not allowed: ${refused.message}`, true);
  document.body.dataset.ready = String(state.requestSeq);
}

function pointFromEvent(ev) {
  const svg = $('board');
  const pt = svg.createSVGPoint();
  pt.x = ev.clientX;
  pt.y = ev.clientY;
  const local = pt.matrixTransform(svg.getScreenCTM().inverse());
  const x = Math.round((local.x - MARGIN) / CELL);
  const y = Math.round((local.y - MARGIN) / CELL);
  return x >= 0 && x < SIZE && y >= 0 && y < SIZE ? y * SIZE + x : null;
}

async function loadSgf(text) {
  let parsed;
  let games;
  try {
    games = splitGames(text);
    parsed = parseSgfMainLine(games[0] ?? text);
  } catch (err) {
    return setStatus(err.message, true);
  }
  // The server takes one game per request: a collection is reviewed by its first game, and the page says so.
  state.sgf = games.length > 1 ? games[0] : text;
  state.sgfMoves = parsed.moves.length;
  state.setup = parsed.setup;
  state.moves = parsed.moves;
  state.firstPlayer = parsed.firstPlayer ?? (parsed.moves[0]?.color ?? (parsed.setup.black.length && !parsed.setup.white.length ? 2 : 1));
  state.review = null;
  setReviewStatus('reviewing the game…', false);
  drawChart();
  go(0);
  try {
    state.review = await postJson('/v1/analyze', { sgf: state.sgf, topK: 5 });
    const s = state.review.summary;
    $('summary').textContent = `top-1 ${(s.top1 * 100).toFixed(0)}%, top-5 ${(s.top5 * 100).toFixed(0)}% of ${s.moves} moves`;
    setReviewStatus(games.length > 1 ? `the file holds ${games.length} games: this is the first` : '', false);
    drawChart();
  } catch (err) {
    // The review has its own line: the position's status below the board changes with every step and would hide it.
    setReviewStatus(`review failed: ${err.message}`, true);
  }
}

function setReviewStatus(text, isError) {
  $('review-status').textContent = text;
  $('review-status').classList.toggle('error', isError);
}

function drawChart() {
  const svg = $('chart');
  svg.replaceChildren();
  const r = state.review;
  $('winrate-note').textContent = '';
  if (!r) {
    $('summary').textContent = '';
    return;
  }
  const n = r.moves.length;
  const w = 400 / Math.max(1, n);
  r.moves.forEach((m, i) => {
    const h = m.prob === null ? 4 : Math.max(1, Math.sqrt(m.prob) * 116);
    const bar = el('rect', { class: `bar${m.prob === null ? ' pass' : m.rank === 1 ? ' top1' : ''}`, x: i * w, y: 120 - h, width: Math.max(0.5, w - 0.3), height: h }, svg);
    const tip = el('title', {}, bar);
    tip.textContent = `${m.moveNumber}. ${m.color} ${m.played.gtp}: ${m.prob === null ? 'pass' : `${(m.prob * 100).toFixed(1)}%, rank ${m.rank}`}`;
    bar.addEventListener('click', () => go(i));
  });
  drawWinrate(svg, r, w);
  el('rect', { id: 'chart-cursor', class: 'cursor', x: 0, y: 0, width: Math.max(1, w), height: 120 }, svg);
  renderChartCursor();
}

// Black's win rate before each move (the value head's), as a line over the bars with the 50% mark; a policy-only
// model has no value head, and the page says so instead of drawing a flat line.
function drawWinrate(svg, r, w) {
  const note = $('winrate-note');
  if (!r.hasValue) {
    note.textContent = 'Win rate: this model has no value head.';
    return;
  }
  el('line', { class: 'half', x1: 0, y1: 60, x2: 400, y2: 60 }, svg);
  const pts = r.moves.map((m, i) => (m.winrate === null ? null : `${(i * w + w / 2).toFixed(2)},${(120 - m.winrate * 120).toFixed(2)}`)).filter((p) => p !== null);
  el('polyline', { id: 'winrate', class: 'winrate', points: pts.join(' ') }, svg);
  const last = r.moves[r.moves.length - 1];
  note.textContent = last && last.winrate !== null ? `Line: Black's win rate before each move (before the last: ${(last.winrate * 100).toFixed(0)}%).` : '';
}

function renderChartCursor() {
  const c = document.getElementById('chart-cursor');
  if (!c || !state.review) return;
  const w = 400 / Math.max(1, state.review.moves.length);
  c.setAttribute('x', String(Math.min(state.cursor, state.review.moves.length - 1) * w));
}

function init() {
  drawGrid($('board'));
  $('board').addEventListener('click', (ev) => playAt(pointFromEvent(ev)));
  $('first').addEventListener('click', () => go(0));
  $('prev').addEventListener('click', () => go(state.cursor - 1));
  $('next').addEventListener('click', () => go(state.cursor + 1));
  $('last').addEventListener('click', () => go(state.moves.length));
  $('heat').addEventListener('change', renderHeat);
  $('think').addEventListener('change', think);
  $('clear').addEventListener('click', () => {
    Object.assign(state, { setup: { black: [], white: [] }, firstPlayer: 1, moves: [], sgf: null, review: null });
    setReviewStatus('', false);
    drawChart();
    go(0);
  });
  $('load').addEventListener('click', () => loadSgf($('sgf').value));
  $('file').addEventListener('change', async (ev) => {
    const f = ev.target.files[0];
    if (f) {
      const text = await f.text();
      $('sgf').value = text;
      loadSgf(text);
    }
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLTextAreaElement || ev.target instanceof HTMLInputElement) return;
    const k = { ArrowLeft: () => go(state.cursor - 1), ArrowRight: () => go(state.cursor + 1), Home: () => go(0), End: () => go(state.moves.length) }[ev.key];
    if (k) {
      ev.preventDefault();
      k();
    }
  });
  fetch('/v1/models')
    .then((r) => r.json())
    .then((d) => ($('model').textContent = `model ${d.models[0].id} (${d.models[0].backend})`))
    .catch(() => ($('model').textContent = 'model unavailable'));
  go(0);
}

init();

// Temperature scaling of the value head (Guo et al. 2017, one parameter): value' = tanh(k · z) for the pre-tanh z.
// With x = 2·atanh(v), P(side to move wins) = (1 + tanh(k·z))/2 = sigmoid(k·x), so fitting k is a one-feature
// logistic regression without bias: convex in k, solved by Newton's method from k = 1 inside a bracket that
// falls back to bisection. Pure: plain arrays in and out, no tfjs.

/** Values are clamped to ±(1 − V_CLAMP) before atanh, so a saturated float32 tanh (exactly ±1) stays finite. */
export const V_CLAMP = 1e-7;
/** Newton stops once |step| is below this. */
export const SCALE_TOLERANCE = 1e-9;
const MAX_ITERATIONS = 500;
/** Past this scale the data are (all but) separable: the log-loss keeps falling as k grows and has no minimum. */
const MAX_SCALE = 1e6;

export interface ValueScaleFit {
  /** The fitted k > 0: multiply the pre-tanh value by it. */
  scale: number;
  /** Positions fitted. */
  positions: number;
  /** Mean log-loss (nats) of P(side to move wins) = (1 + v)/2 before (k = 1) and after (k = scale). */
  logLossBefore: number;
  logLossAfter: number;
  /** Share of positions whose winner the value names (v > 0 ⇔ won; v = 0 half a hit, as `tengen eval` counts), before and after. */
  accuracyBefore: number;
  accuracyAfter: number;
  iterations: number;
}

/** x = 2·atanh(v) with v clamped to ±(1 − V_CLAMP): the logit of P(win) = (1 + v)/2. */
export function valueLogit(v: number): number {
  const c = Math.min(1 - V_CLAMP, Math.max(-(1 - V_CLAMP), v));
  return 2 * Math.atanh(c);
}

/** Mean log-loss of sigmoid(k·x[i]) against won[i] (1 won, 0 lost), computed without overflow. */
export function scaledLogLoss(x: ArrayLike<number>, won: ArrayLike<number>, k: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    // −log sigmoid(t) with t the margin toward the actual result = softplus(−t).
    const t = (won[i] ? 1 : -1) * k * x[i]!;
    sum += t > 0 ? Math.log1p(Math.exp(-t)) : -t + Math.log1p(Math.exp(t));
  }
  return sum / x.length;
}

/** Share of sign(x[i]) naming won[i], ties (x = 0) half a hit. */
function accuracy(x: ArrayLike<number>, won: ArrayLike<number>, k: number): number {
  let hits = 0;
  for (let i = 0; i < x.length; i++) {
    const z = k * x[i]!;
    hits += z === 0 ? 0.5 : (z > 0) === (won[i] === 1) ? 1 : 0;
  }
  return hits / x.length;
}

/** Gradient and second derivative in k of the mean log-loss of sigmoid(k·x). */
function derivatives(x: ArrayLike<number>, won: ArrayLike<number>, k: number): { g: number; h: number } {
  let g = 0, h = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const p = 1 / (1 + Math.exp(-k * xi));
    g += (p - (won[i] ? 1 : 0)) * xi;
    h += p * (1 - p) * xi * xi;
  }
  return { g: g / x.length, h: h / x.length };
}

/**
 * The k > 0 minimising the mean log-loss of sigmoid(k · 2atanh(values[i])) against won[i] (1 the side to move won,
 * 0 lost); throws when there is no such k (no positions, values that do not favour the winners, or separable data).
 */
export function fitValueScale(values: ArrayLike<number>, won: ArrayLike<number>): ValueScaleFit {
  const n = values.length;
  if (n === 0) throw new Error('value calibration: no positions with a known winner to fit on');
  if (won.length !== n) throw new Error(`value calibration: ${n} values but ${won.length} results`);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]!)) throw new Error(`value calibration: value ${i} is ${values[i]}`);
    x[i] = valueLogit(values[i]!);
  }
  // g is increasing in k (convexity): g(0+) ≥ 0 puts the minimum at k → 0, i.e. the values carry no sign information.
  if (derivatives(x, won, 0).g >= 0) {
    throw new Error(`value calibration: on these ${n} positions the values do not favour the side that won (the best scale is 0); nothing to calibrate`);
  }
  // Every value on its winner's side (or 0): the log-loss falls for ever as k grows.
  let separable = true;
  for (let i = 0; i < n && separable; i++) separable = (won[i] ? x[i]! : -x[i]!) >= 0;
  if (separable) {
    throw new Error(`value calibration: every one of the ${n} values favours the side that won, so the log-loss keeps falling as the scale grows (no finite optimum)`);
  }
  // Bracket [lo, hi] of the root of g: a Newton step that leaves it is replaced by bisection (or doubling while hi is open).
  let lo = 0, hi = Infinity, k = 1, iterations = 0;
  for (;;) {
    if (++iterations > MAX_ITERATIONS) throw new Error(`value calibration: no convergence after ${MAX_ITERATIONS} iterations (k = ${k})`);
    const { g, h } = derivatives(x, won, k);
    if (g === 0) break;
    if (g < 0) lo = k;
    else hi = k;
    let next = k - g / h;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : 2 * k;
    if (next > MAX_SCALE) {
      throw new Error(`value calibration: the log-loss keeps falling as the scale grows past ${MAX_SCALE} (the ${n} positions are all but separable by the value's sign)`);
    }
    const step = next - k;
    k = next;
    if (Math.abs(step) < SCALE_TOLERANCE) break;
  }
  return {
    scale: k,
    positions: n,
    logLossBefore: scaledLogLoss(x, won, 1),
    logLossAfter: scaledLogLoss(x, won, k),
    accuracyBefore: accuracy(x, won, 1),
    accuracyAfter: accuracy(x, won, k),
    iterations,
  };
}

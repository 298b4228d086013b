// Event-loop load shedding on its own (the other server tests turn it off, so a busy machine cannot fail them):
// with the loop blocked in 300 ms slices, requests get 503 problem + Retry-After; once the loop is free, 200 again.
import { describe, expect, it } from 'vitest';
import { makeApp, problemOf } from './fixture.js';

/** Blocks the event loop in `slice` ms busy-waits for `total` ms, yielding between slices so its delay is sampled. */
async function congest(total: number, slice: number): Promise<void> {
  const end = Date.now() + total;
  while (Date.now() < end) {
    const stop = Date.now() + slice;
    while (Date.now() < stop) {
      /* busy */
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe('event-loop load shedding', () => {
  it('answers 503 overloaded while the loop is delayed past --max-event-loop-delay-ms, and recovers', async () => {
    // 100 ms: far above a busy machine's ordinary delay (tens of ms), far below the 300 ms slices.
    const fx = await makeApp({ maxEventLoopDelayMs: 100 });
    /** Polls until a request is served (hang guard 60 s, for a loaded machine); returns the last status. */
    const served = async (): Promise<number> => {
      let status = (await fx.app.inject('/v1/models')).statusCode;
      for (const until = Date.now() + 60_000; status === 503 && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 500));
        status = (await fx.app.inject('/v1/models')).statusCode;
      }
      return status;
    };
    try {
      // Loading the model may itself have delayed the loop: start from a served request.
      expect(await served()).toBe(200);
      // Two and a half sampling periods (under-pressure samples once a second) of a congested loop.
      await congest(2500, 300);
      const shed = await fx.app.inject('/v1/models');
      expect(shed.statusCode, shed.body).toBe(503);
      expect(shed.headers['retry-after']).toBeDefined();
      expect(problemOf(shed)).toMatchObject({ status: 503, type: 'urn:tengen:problem:overloaded' });
      expect(String(problemOf(shed).detail)).toMatch(/eventLoopDelay/);
      // Recovery: the next samples see a free loop.
      expect(await served()).toBe(200);
    } finally {
      await fx.close();
    }
  });
});

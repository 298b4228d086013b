// A third GTP engine that scores finished games (like gogui-twogtp's -referee): it never plays, it is
// given the whole game and asked `final_score`, so an engine that can judge dead stones (GNU Go) settles
// games the players left with dead stones on the board, where a bare Tromp-Taylor count would be wrong.
import { BLACK, WHITE, type Player } from '../go/constants.js';
import { pointToGtp } from '../go/coords.js';
import type { GameRecord } from '../sgf/index.js';
import { GtpClient } from './client.js';

/** Winner colour of a score string ('B+3.5' → BLACK, 'W+R' → WHITE, '0' → null); undefined if unreadable. */
export function scoreWinner(s: string): Player | null | undefined {
  const t = s.trim().toUpperCase();
  if (t === '0' || t === 'DRAW' || t === 'JIGO') return null;
  const m = /^([BW])\+/.exec(t);
  if (!m) return undefined;
  return m[1] === 'B' ? BLACK : WHITE;
}

/** A started referee engine with its GTP name, restarted when it dies. */
export class Referee {
  private client: GtpClient | null = null;
  /** `name version` of the engine once it answered, else the command line. */
  name: string;

  /** Does not start anything yet; the engine starts on the first `score`. */
  constructor(
    readonly command: string,
    private readonly timeoutMs: number,
  ) {
    this.name = command;
  }

  private async engine(): Promise<GtpClient> {
    if (this.client?.alive) return this.client;
    await this.client?.close();
    const c = new GtpClient(this.command, `referee (${this.command})`);
    this.client = c;
    const n = await c.send('name', this.timeoutMs).catch(() => null);
    const v = await c.send('version', this.timeoutMs).catch(() => null);
    if (n?.ok && n.text) this.name = `${n.text}${v?.ok && v.text ? ` ${v.text}` : ''}`;
    return c;
  }

  /**
   * Replays `moves` on a fresh 19×19 board with `komi` and returns the referee's `final_score` (upper case,
   * e.g. 'B+12.5'); throws an Error naming the failing command when the referee refuses or cannot score.
   */
  async score(moves: GameRecord['moves'], komi: number): Promise<string> {
    const e = await this.engine();
    const cmds = ['boardsize 19', 'clear_board', `komi ${komi}`];
    for (const m of moves) cmds.push(`play ${m.color === BLACK ? 'b' : 'w'} ${pointToGtp(m.point).toLowerCase()}`);
    for (const [i, cmd] of cmds.entries()) {
      const r = await e.send(cmd, this.timeoutMs);
      if (!r.ok) throw new Error(`referee ${this.name} refused "${cmd}"${i >= 3 ? ` (move ${i - 2})` : ''}: ${r.text}`);
    }
    const r = await e.send('final_score', this.timeoutMs);
    const s = r.text.trim().toUpperCase();
    if (!r.ok || scoreWinner(s) === undefined) throw new Error(`referee ${this.name} gave no usable final_score: "${r.text}"`);
    return s;
  }

  /** Stops the engine (its own child process only). */
  async close(): Promise<void> {
    await this.client?.close();
    this.client = null;
  }
}

// A GTP controller for one engine child process (used by `tengen match`): numbered commands, response
// framing per the spec, per-command timeouts, and a clean shutdown that kills only its own child.
import { spawn, type ChildProcess } from 'node:child_process';

/** One engine response: success flag and text without the `=id ` prefix. */
export interface GtpReply {
  ok: boolean;
  text: string;
}

/** The engine died, timed out or closed its output; `reason` says which. */
export class GtpEngineError extends Error {
  override readonly name = 'GtpEngineError';
}

interface Pending {
  id: number;
  resolve: (r: GtpReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
}

/** Controls one GTP engine started from a shell command line. */
export class GtpClient {
  private readonly child: ChildProcess;
  private buf = '';
  private current: string[] | null = null; // lines of the response being read
  private readonly pending: Pending[] = [];
  private nextId = 1;
  private exited = false;
  private stderrTail = '';

  /** Starts `command` through the shell (e.g. "gnugo --mode gtp --level 1"); `label` names it in errors. */
  constructor(
    readonly command: string,
    readonly label = command,
  ) {
    this.child = spawn(command, { shell: true, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (s: string) => this.onData(s));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-2000);
    });
    this.child.stdin!.on('error', () => {}); // EPIPE after a crash surfaces through 'exit'
    this.child.on('error', (err) => this.failAll(new GtpEngineError(`${this.label}: cannot start: ${err.message}`)));
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
      this.failAll(new GtpEngineError(`${this.label}: exited (${signal ?? `code ${code}`})${tail ? `; stderr: ${tail}` : ''}`));
    });
  }

  /** False once the child has exited. */
  get alive(): boolean {
    return !this.exited;
  }

  /** Process id of the shell/engine child. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private failAll(err: Error): void {
    while (this.pending.length > 0) {
      const p = this.pending.shift()!;
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private onData(s: string): void {
    this.buf += s.replace(/\r/g, '');
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.current === null) {
      // Anything before a response head (banners, stray output) is ignored.
      if (line.startsWith('=') || line.startsWith('?')) this.current = [line];
      return;
    }
    if (line.trim() !== '') {
      this.current.push(line);
      return;
    }
    const lines = this.current;
    this.current = null;
    const m = /^([=?])(\d*)\s?(.*)$/.exec(lines[0]!)!;
    const reply: GtpReply = { ok: m[1] === '=', text: [m[3]!, ...lines.slice(1)].join('\n').trim() };
    const id = m[2] === '' ? null : Number(m[2]);
    const p = this.pending[0];
    if (!p || (id !== null && id !== p.id)) return; // a reply to a command that already timed out
    this.pending.shift();
    if (p.timer) clearTimeout(p.timer);
    p.resolve(reply);
  }

  /** Sends one command line (no id, no newline) and resolves with its reply; rejects GtpEngineError on death or timeout. */
  send(command: string, timeoutMs = 60_000): Promise<GtpReply> {
    if (this.exited) return Promise.reject(new GtpEngineError(`${this.label}: engine has exited`));
    if (/[\n\r]/.test(command)) return Promise.reject(new Error(`GTP command must be one line: ${JSON.stringify(command)}`));
    const id = this.nextId++;
    return new Promise<GtpReply>((resolve, reject) => {
      const p: Pending = { id, resolve, reject, timer: null };
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          const i = this.pending.indexOf(p);
          if (i >= 0) this.pending.splice(i, 1);
          reject(new GtpEngineError(`${this.label}: no reply to "${command}" within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending.push(p);
      this.child.stdin!.write(`${id} ${command}\n`);
    });
  }

  /** Sends `quit`, waits up to `graceMs` for the exit, then kills the child's process group. */
  async close(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send('quit', graceMs).catch(() => {});
    this.child.stdin!.end();
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout' && !this.exited && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL'); // detached: the group is the shell and the engine it started
      } catch {
        this.child.kill('SIGKILL');
      }
      await exited;
    }
  }
}

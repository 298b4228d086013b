"""Run an N-worker MultiWorkerMirroredStrategy training on this machine (127.0.0.1, one process per worker).

  python -m tengen_tf.loopback --workers 2 -- --data EXPORT --out MODEL --steps 200 --batch 64 --arch 6x64

Everything after `--` goes to `python -m tengen_tf.train`. Each worker gets TF_CONFIG with free loopback ports and
--threads (default: this machine's cores divided by the workers, so 1 and 2 workers use the same cores). Prints the
chief's JSON summary; if a worker fails, the others are stopped and the exit status is non-zero.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time


def free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    rest: list[str] = []
    if '--' in argv:
        i = argv.index('--')
        argv, rest = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser(prog='python -m tengen_tf.loopback', description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--threads', type=int, default=0, help='intra-op threads per worker (default: cores / workers)')
    p.add_argument('--timeout', type=float, default=3600, help='seconds before every worker is stopped')
    args = p.parse_args(argv)
    threads = args.threads or max(1, (os.cpu_count() or 2) // args.workers)
    hosts = [f'127.0.0.1:{port}' for port in free_ports(args.workers)]
    procs = []
    for i in range(args.workers):
        env = dict(os.environ)
        env['TF_CONFIG'] = json.dumps({'cluster': {'worker': hosts}, 'task': {'type': 'worker', 'index': i}})
        procs.append(subprocess.Popen([sys.executable, '-m', 'tengen_tf.train', *rest, '--threads', str(threads)], env=env,
                                      cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                      stdout=subprocess.PIPE if i == 0 else subprocess.DEVNULL))
    deadline = time.monotonic() + args.timeout
    status = 0
    while any(pr.poll() is None for pr in procs):
        failed = [i for i, pr in enumerate(procs) if pr.poll() not in (None, 0)]
        if failed or time.monotonic() > deadline:
            status = 1
            print(f'[tengen_tf.loopback] {"worker " + str(failed[0]) + " failed" if failed else "timeout"}; stopping the others', file=sys.stderr)
            for pr in procs:
                if pr.poll() is None:
                    pr.terminate()
            break
        time.sleep(0.2)
    for pr in procs:
        try:
            pr.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pr.kill()
    out = procs[0].stdout.read().decode() if procs[0].stdout else ''
    if any(pr.returncode != 0 for pr in procs):
        status = 1
    sys.stdout.write(out)
    return status


if __name__ == '__main__':
    sys.exit(main())

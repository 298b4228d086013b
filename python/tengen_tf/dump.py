"""Test helpers for the equivalence checks in test/scale (binary files, so the TypeScript side compares exactly).

  python -m tengen_tf.dump planes EXPORT --symmetry S --count N --out FILE
      the first N records as the trainer's input pipeline delivers them with symmetry S (no shuffle):
      int32 N, int32 planes, then float32 planes [N,19,19,P], int32 labels [N], int64 entries [N] (little-endian)
  python -m tengen_tf.dump predict MODEL_DIR --in FILE --out FILE
      Keras forward of a Tengen model folder on float32 inputs [N,19,19,P] (FILE as written by `planes`, or raw
      float32 with --planes P): float32 policy probabilities [N,361], then the value [N] if the model has one, then
      the ownership [N,361] (tanh) if it has an ownership head (the model's outputs in order, flattened)
  python -m tengen_tf.dump resave MODEL_DIR --out DIR
      reads a Tengen model folder into Keras and writes it back with export_tfjs (model.json from the Keras graph),
      so the tests can check that Tengen loads what the Python side writes
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np


def main(argv=None) -> int:
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    p = argparse.ArgumentParser(prog='python -m tengen_tf.dump')
    sub = p.add_subparsers(dest='cmd', required=True)
    a = sub.add_parser('planes')
    a.add_argument('export')
    a.add_argument('--symmetry', default='0', help='one symmetry 0..7, or a comma list (then --out must contain {s})')
    a.add_argument('--count', type=int, default=64)
    a.add_argument('--out', required=True)
    b = sub.add_parser('predict')
    b.add_argument('model')
    b.add_argument('--in', dest='inp', required=True)
    b.add_argument('--planes', type=int, help='raw float32 input with this many planes (default: a `planes` file)')
    b.add_argument('--out', required=True)
    c = sub.add_parser('resave')
    c.add_argument('model')
    c.add_argument('--out', required=True)
    args = p.parse_args(argv)

    if args.cmd == 'planes':
        from .data import make_dataset, open_export
        e = open_export(args.export)
        n = min(args.count, e.records)
        for sym in (int(v) for v in args.symmetry.split(',')):
            xs, ls, es = [], [], []
            for x, y in make_dataset(e, 256, augment=True, symmetry=sym, shuffle=0, repeat=False):
                xs.append(x.numpy())
                ls.append(y['label'].numpy())
                es.append(y['entry'].numpy())
                if sum(len(v) for v in ls) >= n:
                    break
            x = np.concatenate(xs)[:n].astype('<f4')
            with open(args.out.replace('{s}', str(sym)), 'wb') as f:
                f.write(np.array([n, e.planes], dtype='<i4').tobytes())
                f.write(x.tobytes())
                f.write(np.concatenate(ls)[:n].astype('<i4').tobytes())
                f.write(np.concatenate(es)[:n].astype('<i8').tobytes())
        return 0

    from .export_tfjs import load_into, read_tengen_model, save_tengen_model
    from .model import build_model
    arch, _, _ = read_tengen_model(args.model)
    if args.cmd == 'resave':
        model = build_model(arch)
        meta = load_into(model, arch, args.model)
        save_tengen_model(args.out, model, arch, meta['featureSet'], {k: v for k, v in meta.items() if k not in ('format', 'formatVersion', 'architecture', 'date')})
        return 0
    raw = open(args.inp, 'rb').read()
    if args.planes:
        x = np.frombuffer(raw, dtype='<f4').reshape(-1, 19, 19, args.planes)
    else:
        n, planes = np.frombuffer(raw[:8], dtype='<i4')
        x = np.frombuffer(raw, dtype='<f4', count=int(n) * 361 * int(planes), offset=8).reshape(int(n), 19, 19, int(planes))
    model = build_model(arch)
    load_into(model, arch, args.model)
    outs = model(x, training=False)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    with open(args.out, 'wb') as f:
        for o in outs:
            f.write(np.asarray(o, dtype='<f4').reshape(-1).tobytes())
    return 0


if __name__ == '__main__':
    sys.exit(main())

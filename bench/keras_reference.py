#!/usr/bin/env python3
"""Keras-on-TensorFlow reference for bench/train.bench.ts: training positions/s of a Tengen network on synthetic inputs.

The network comes from python/tengen_tf/model.py (the one Keras builder, shared with the trainer) and is built from a
Tengen architecture spec. Defaults follow issue 11's comparison: batch 64, 48 input planes, Adam, fp32, TensorFlow
with 2 intra-op threads, no XLA. Prints one JSON object on stdout, e.g.
  python3 bench/keras_reference.py --net 8x32
  python3 bench/keras_reference.py --net 12x64r --planes 49 --value-head 32,64
  python3 bench/keras_reference.py --arch '{"depth":6,"width":64,"block":"plain","planes":48}'
Requires tensorflow-cpu==2.21.0 (python/requirements.txt). Logs go to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'python'))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--net', default='default', help='preset (tiny, small, default, large) or DEPTHxWIDTH[r] (default: default = 8x32 plain)')
    p.add_argument('--arch', help="a tengen.json architecture object as JSON (overrides --net/--planes/--value-head)")
    p.add_argument('--planes', type=int, default=48, help='input planes: 48 (alphago48) or 49 (alphago49)')
    p.add_argument('--value-head', help='CHANNELS,HIDDEN: add the value head (policy CE + 0.25 x value MSE)')
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--threads', type=int, default=2, help='TensorFlow intra-op threads')
    p.add_argument('--inter-threads', type=int, default=1, help='TensorFlow inter-op threads')
    p.add_argument('--warmup', type=int, default=10, help='steps before timing (graph tracing, allocator warm-up)')
    p.add_argument('--steps', type=int, default=0, help='timed steps (0: run for --seconds)')
    p.add_argument('--seconds', type=float, default=10.0, help='approximate timed duration when --steps is 0')
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--loop', choices=['fit', 'step'], default='fit',
                   help='fit: Keras model.fit over a cached tf.data pipeline (default); step: a bare tf.function GradientTape step on one constant batch')
    p.add_argument('--jit', action='store_true', help='XLA-compile the train step (off by default, like Tengen)')
    p.add_argument('--seed', type=int, default=1)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    os.environ.setdefault('KERAS_BACKEND', 'tensorflow')
    import numpy as np
    import tensorflow as tf
    import keras
    from tengen_tf.model import Arch, ValueHead, arch_from_json, arch_from_spec, build_model, count_trainable, POLICY_OUTPUT, VALUE_OUTPUT

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.inter_threads)
    if args.arch:
        arch: Arch = arch_from_json(json.loads(args.arch), '--arch')
    else:
        vh = None
        if args.value_head:
            c, h = (int(v) for v in args.value_head.split(','))
            vh = ValueHead(c, h)
        arch = arch_from_spec(args.net, args.planes, vh)
    keras.utils.set_random_seed(args.seed)
    model = build_model(arch)
    if arch.value_head is None:
        model.compile(optimizer=keras.optimizers.Adam(args.lr), loss=keras.losses.SparseCategoricalCrossentropy(), jit_compile=args.jit)
    else:
        model.compile(optimizer=keras.optimizers.Adam(args.lr),
                      loss={POLICY_OUTPUT: keras.losses.SparseCategoricalCrossentropy(), VALUE_OUTPUT: keras.losses.MeanSquaredError()},
                      loss_weights={POLICY_OUTPUT: 1.0, VALUE_OUTPUT: 0.25}, jit_compile=args.jit)

    # Synthetic data shaped like Tengen's: binary planes, plus a constant komi plane when there are 49.
    rng = np.random.default_rng(args.seed)
    n = args.batch * 8
    x = (rng.random((n, 19, 19, arch.planes)) < 0.3).astype(np.float32)
    if arch.planes == 49:
        x[..., 48] = 7.5 / 15
    y = rng.integers(0, 361, size=(n,)).astype(np.int32)
    if arch.value_head is None:
        ds = tf.data.Dataset.from_tensor_slices((x, y))
    else:
        z = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(n, 1))
        ds = tf.data.Dataset.from_tensor_slices((x, {POLICY_OUTPUT: y, VALUE_OUTPUT: z}))
    ds = ds.batch(args.batch, drop_remainder=True).cache().repeat().prefetch(2)

    if args.loop == 'fit':
        def run(k: int) -> float:
            return float(model.fit(ds, steps_per_epoch=k, epochs=1, verbose=0).history['loss'][-1])
    else:
        xb, yb = next(iter(ds))
        params = model.trainable_variables
        opt = model.optimizer

        @tf.function(jit_compile=args.jit)
        def step():
            with tf.GradientTape() as tape:
                pred = model(xb, training=True)
                loss = model.compute_loss(x=xb, y=yb, y_pred=pred)
            opt.apply_gradients(zip(tape.gradient(loss, params), params))
            return loss

        def run(k: int) -> float:
            loss = None
            for _ in range(k):
                loss = step()
            return float(loss)

    run(args.warmup)
    steps = args.steps
    if steps <= 0:
        # Calibrate: time a few steps, then size the run to about --seconds.
        t0 = time.perf_counter()
        run(5)
        per = (time.perf_counter() - t0) / 5
        steps = max(5, int(args.seconds / max(per, 1e-6)))
    t0 = time.perf_counter()
    last_loss = run(steps)
    secs = time.perf_counter() - t0
    out = {
        'net': arch.label(),
        'architecture': arch.to_json(),
        'positionsPerSecond': round(steps * args.batch / secs, 1),
        'msPerStep': round(1000 * secs / steps, 2),
        'steps': steps,
        'seconds': round(secs, 3),
        'batch': args.batch,
        'planes': arch.planes,
        'optimizer': 'adam',
        'dtype': 'float32',
        'intraOpThreads': args.threads,
        'interOpThreads': args.inter_threads,
        'jitCompile': bool(args.jit),
        'loop': args.loop,
        'trainableParams': count_trainable(arch),
        'loss': round(last_loss, 4),
        'tensorflow': tf.__version__,
        'keras': keras.__version__,
    }
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())

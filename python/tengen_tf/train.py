"""Train a Tengen network with TensorFlow's MultiWorkerMirroredStrategy on `tengen data export` shards, and write a
Tengen model folder that `tengen serve`, `tengen gtp` and `tengen eval` load unchanged.

  python -m tengen_tf.train --data runs/export-train --val-data runs/export-dev --arch 6x64 --value-head 32,64 \\
      --steps 20000 --batch 256 --out models/tf-6x64

One process per worker. Without TF_CONFIG it trains alone (a one-worker MultiWorkerMirroredStrategy, the same code
path). With TF_CONFIG (e.g. {"cluster":{"worker":["10.0.0.1:2222","10.0.0.2:2222"]},"task":{"type":"worker","index":0}})
each worker reads its own shards (shard i goes to worker i mod N), gradients are all-reduced every step, worker 0
(the chief) writes checkpoints, metrics and the final model. --batch is the global batch (split over workers).

Loss = policy cross-entropy + value_weight x masked value MSE (MODEL-SPEC); AdamW with decoupled weight decay on
kernels (as `tengen train --optimizer adam --weight-decay`). The 8 symmetries are applied in the input pipeline
(tengen_tf/data.py), the label mapped with them.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog='python -m tengen_tf.train', description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', required=True, help='training export folder (tengen data export)')
    p.add_argument('--val-data', help='validation export folder (default: none; metrics then come from --data)')
    p.add_argument('--out', required=True, help='Tengen model folder to write (atomically, by the chief)')
    p.add_argument('--arch', help="preset, DEPTHxWIDTH[r] or a JSON architecture (default: --init-from's, else 'default')")
    p.add_argument('--value-head', help='CHANNELS,HIDDEN: add a value head (MODEL-SPEC); e.g. 32,64')
    p.add_argument('--init-from', help='Tengen model folder to start from (weights from its weights.bin)')
    p.add_argument('--steps', type=int, required=True, help='optimizer steps (global)')
    p.add_argument('--batch', type=int, default=64, help='global batch size (divided over the workers)')
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--lr-schedule', choices=['constant', 'cosine'], default='cosine')
    p.add_argument('--weight-decay', type=float, default=1e-4, help='decoupled weight decay on kernels')
    p.add_argument('--value-weight', type=float, default=0.25)
    p.add_argument('--no-augment', action='store_true', help='no random symmetries')
    p.add_argument('--shuffle', type=int, default=16384, help='shuffle buffer (records) per worker')
    p.add_argument('--checkpoint-dir', help='default: OUT.ckpt')
    p.add_argument('--checkpoint-every', type=int, default=1000)
    p.add_argument('--log-every', type=int, default=50)
    p.add_argument('--metrics-out', help='append one JSON line per log step (chief only)')
    p.add_argument('--val-positions', type=int, default=50000, help='positions of the validation export to evaluate (first ones, in file order)')
    p.add_argument('--threads', type=int, default=0, help='TensorFlow intra-op threads (0: TensorFlow decides)')
    p.add_argument('--collective', choices=['auto', 'ring', 'nccl'], default='auto',
                   help='all-reduce implementation: ring (gRPC, CPU), nccl (GPUs), auto (TensorFlow picks)')
    p.add_argument('--seed', type=int, default=1)
    return p.parse_args(argv)


def log(msg: str) -> None:
    print(f'[tengen_tf] {msg}', file=sys.stderr, flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    os.environ.setdefault('KERAS_BACKEND', 'tensorflow')
    import numpy as np
    import tensorflow as tf
    import keras

    from .data import make_dataset, open_export
    from .export_tfjs import init_from_record, load_into, read_tengen_model, save_tengen_model
    from .model import LOGITS_LAYER, VALUE_OUTPUT, ValueHead, arch_from_spec, build_model, count_trainable

    if args.threads > 0:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(max(1, args.threads // 2))
    if args.steps < 1:
        raise SystemExit('--steps must be at least 1')
    train_export = open_export(args.data)
    val_export = open_export(args.val_data) if args.val_data else None
    fset = train_export.manifest['featureSet']
    if val_export and val_export.manifest['featureSet'] != fset:
        raise SystemExit(f'--val-data has feature set {val_export.manifest["featureSet"]}, --data has {fset}')

    # Architecture: --arch, else --init-from's, else the default preset; planes come from the export.
    vh = None
    if args.value_head:
        c, h = (int(v) for v in args.value_head.split(','))
        vh = ValueHead(c, h)
    init_meta = None

    def refuse_ownership(a, src: str) -> None:
        # Exports carry no ownership targets, and dropping the head would write a model that is not the one asked for.
        if a.ownership_head:
            raise SystemExit(f'{src}: field "architecture.ownershipHead" is true, but python/tengen_tf.train cannot train an '
                             f'ownership head (`tengen data export` writes no ownership targets); train it with '
                             f'`tengen train --ownership-head`, or start from a model without one')

    if args.init_from:
        arch, init_meta, _ = read_tengen_model(args.init_from)
        refuse_ownership(arch, f'--init-from {args.init_from} (tengen.json)')
        if args.arch:
            a2 = arch_from_spec(args.arch, fset['planes'], vh or arch.value_head)
            refuse_ownership(a2, f'--arch {args.arch}')
            if a2 != arch:
                raise SystemExit(f'--arch {args.arch} differs from --init-from {args.init_from} ({arch.label()})')
        if init_meta.get('featureSet') != fset:
            raise SystemExit(f'--init-from {args.init_from} was trained on {init_meta.get("featureSet")}, the export has {fset}')
    else:
        arch = arch_from_spec(args.arch or 'default', fset['planes'], vh)
        refuse_ownership(arch, f'--arch {args.arch}')
    if arch.planes != fset['planes']:
        raise SystemExit(f'architecture has {arch.planes} planes, the export {fset["planes"]}')

    impl = {'auto': tf.distribute.experimental.CommunicationImplementation.AUTO,
            'ring': tf.distribute.experimental.CommunicationImplementation.RING,
            'nccl': tf.distribute.experimental.CommunicationImplementation.NCCL}[args.collective]
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=tf.distribute.experimental.CommunicationOptions(implementation=impl))
    # Replicas = workers x local devices (GPUs); each replica gets --batch / replicas samples per step.
    workers = strategy.num_replicas_in_sync
    resolver = strategy.cluster_resolver
    task_type, task_id = (resolver.task_type, resolver.task_id) if resolver and resolver.task_type else ('worker', 0)
    cluster_workers = len(resolver.cluster_spec().as_dict().get('worker', [])) if resolver and resolver.task_type else 1
    chief = task_type in (None, 'chief') or (task_type == 'worker' and task_id == 0)
    if args.batch % workers != 0:
        raise SystemExit(f'--batch {args.batch} is not a multiple of the {workers} replicas')
    log(f'worker {task_id} of {cluster_workers}, {workers} replicas ({"chief" if chief else "non-chief"}); {arch.label()} {count_trainable(arch)} params; '
        f'data {train_export.records} positions in {len(train_export.shard_paths)} shards; global batch {args.batch}')
    keras.utils.set_random_seed(args.seed)

    with strategy.scope():
        model = build_model(arch)
        logits_out = model.get_layer(LOGITS_LAYER).output
        train_model = keras.Model(model.inputs, [logits_out, model.get_layer(VALUE_OUTPUT).output] if arch.value_head else [logits_out])
        if args.init_from:
            load_into(model, arch, args.init_from)
        schedule = args.lr if args.lr_schedule == 'constant' else keras.optimizers.schedules.CosineDecay(args.lr, args.steps, alpha=0.0)
        opt = keras.optimizers.AdamW(learning_rate=schedule, weight_decay=args.weight_decay)
        opt.exclude_from_weight_decay(var_names=['bias', 'gamma', 'beta'])
        opt.build(model.trainable_variables)
        step_var = tf.Variable(0, dtype=tf.int64, trainable=False, name='global_step')
        positions_var = tf.Variable(0, dtype=tf.int64, trainable=False, name='positions_seen')

    # Checkpoints: every worker saves (the save is collective); non-chiefs into a scratch folder they delete.
    ckpt_dir = args.checkpoint_dir or (os.path.abspath(args.out) + '.ckpt')
    my_ckpt_dir = ckpt_dir if chief else os.path.join(ckpt_dir, f'.worker-{task_id}-tmp')
    ckpt = tf.train.Checkpoint(model=model, optimizer=opt, step=step_var, positions=positions_var)
    manager = tf.train.CheckpointManager(ckpt, my_ckpt_dir, max_to_keep=2)
    latest = tf.train.latest_checkpoint(ckpt_dir)
    if latest:
        ckpt.restore(latest).expect_partial()
        log(f'resumed from {latest} at step {int(step_var.numpy())}')

    per_replica = args.batch // workers
    dist_ds = strategy.distribute_datasets_from_function(
        lambda ctx: make_dataset(train_export, per_replica, input_context=ctx, augment=not args.no_augment, shuffle=args.shuffle, seed=args.seed))
    it = iter(dist_ds)
    GB = args.batch

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            outs = train_model(x, training=True)
            outs = outs if isinstance(outs, (list, tuple)) else [outs]
            logits = outs[0]
            ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y['label'], logits=logits)
            per_example = ce
            if arch.value_head:
                v = tf.squeeze(outs[1], -1)
                se = y['mask'] * tf.square(v - y['value'])
                per_example = ce + args.value_weight * se
            else:
                se = tf.zeros_like(ce)
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=GB)
        grads = tape.gradient(loss, train_model.trainable_variables)
        opt.apply_gradients(zip(grads, train_model.trainable_variables))
        top1 = tf.cast(tf.equal(tf.argmax(logits, -1, output_type=tf.int32), y['label']), tf.float32)
        return tf.stack([tf.reduce_sum(ce), tf.reduce_sum(se), tf.reduce_sum(y['mask']), tf.reduce_sum(top1)])

    @tf.function
    def train_step(iterator):
        sums = strategy.run(replica_step, args=next(iterator))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, sums, axis=None)

    metrics_file = open(args.metrics_out, 'a', encoding='utf-8') if (chief and args.metrics_out) else None
    start_step = int(step_var.numpy())
    t0 = time.perf_counter()
    t_log = t0
    cpu_log = time.process_time()
    n_log = 0
    acc = np.zeros(4)
    history = []
    for step in range(start_step, args.steps):
        s = train_step(it).numpy()
        acc += s
        n_log += 1
        step_var.assign_add(1)
        positions_var.assign_add(GB)
        done = step + 1
        if done % args.log_every == 0 or done == args.steps:
            now = time.perf_counter()
            rec = {
                'step': done,
                'loss': acc[0] / (n_log * GB) + (args.value_weight * acc[1] / max(acc[2], 1) if arch.value_head else 0.0),
                'policyLoss': acc[0] / (n_log * GB),
                'valueMse': acc[1] / acc[2] if acc[2] > 0 else None,
                'top1': acc[3] / (n_log * GB),
                'positionsPerSecond': n_log * GB / (now - t_log),
                # CPU seconds of this worker's process in the interval (all its threads): on a shared machine,
                # positions per CPU-second compares runs fairly where positions/s depends on the scheduler.
                'cpuSeconds': time.process_time() - cpu_log,
                'workers': cluster_workers,
                'replicas': workers,
            }
            history.append(rec)
            log(f'step {done}/{args.steps} loss {rec["loss"]:.4f} policy {rec["policyLoss"]:.4f} top1 {rec["top1"]:.3f} '
                f'{rec["positionsPerSecond"]:.0f} pos/s')
            if metrics_file:
                metrics_file.write(json.dumps(rec) + '\n')
                metrics_file.flush()
            acc[:] = 0
            n_log = 0
            t_log = now
            cpu_log = time.process_time()
        if done % args.checkpoint_every == 0 and done < args.steps:
            manager.save(checkpoint_number=done)
    manager.save(checkpoint_number=args.steps)
    train_secs = time.perf_counter() - t0

    @tf.function
    def barrier():
        # A collective every worker joins: non-chiefs wait here until the chief has evaluated and written the model,
        # so no worker leaves the cluster while another still belongs to it (the coordination service would report
        # it as crashed).
        return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(lambda: tf.constant(1.0)), axis=None)

    if not chief:
        shutil.rmtree(my_ckpt_dir, ignore_errors=True)
        barrier()
        log('done (non-chief: the chief wrote the model)')
        return 0

    # Evaluation (chief only, no collectives): the first --val-positions records of the validation export, identity symmetry.
    ev_export = val_export or train_export
    n_eval = min(args.val_positions, ev_export.records)
    ev = make_dataset(ev_export, 256, augment=False, shuffle=0, repeat=False).take(math.ceil(n_eval / 256))
    tot = np.zeros(6)  # count, ce, top1, top5, value se, value count
    seen = 0
    for x, y in ev:
        k = min(int(x.shape[0]), n_eval - seen)
        if k <= 0:
            break
        outs = train_model(x[:k], training=False)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        logits = outs[0]
        lab = y['label'][:k]
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=logits)
        top5 = tf.math.in_top_k(lab, logits, 5)
        tot[0] += k
        tot[1] += float(tf.reduce_sum(ce))
        tot[2] += float(tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, -1, output_type=tf.int32), lab), tf.float32)))
        tot[3] += float(tf.reduce_sum(tf.cast(top5, tf.float32)))
        if arch.value_head:
            m = y['mask'][:k]
            tot[4] += float(tf.reduce_sum(m * tf.square(tf.squeeze(outs[1], -1) - y['value'][:k])))
            tot[5] += float(tf.reduce_sum(m))
        seen += k
    metrics = {'top1': tot[2] / tot[0], 'top5': tot[3] / tot[0], 'loss': tot[1] / tot[0], 'positions': tot[0]}
    if tot[5] > 0:
        metrics['valueMse'] = tot[4] / tot[5]
    log(f'evaluation on {int(tot[0])} positions of {ev_export.dir}: top1 {metrics["top1"]:.4f} top5 {metrics["top5"]:.4f} loss {metrics["loss"]:.4f}')
    rate = (args.steps - start_step) * GB / train_secs if args.steps > start_step else 0.0
    save_tengen_model(args.out, model, arch, fset, {
        'dataManifestHash': train_export.manifest['dataset']['contentHash'],
        'steps': int(step_var.numpy()),
        'positionsSeen': int(positions_var.numpy()),
        'metrics': metrics,
        'backend': f'tensorflow {tf.__version__} (python, MultiWorkerMirroredStrategy, {cluster_workers} workers, {workers} replicas)',
        'wallClockSeconds': train_secs,
        # The run behind this one, as `tengen train --init-from` records it (its steps, positions and wall clock
        # are not in the fields above, which count this run only).
        **({'initFrom': init_from_record(args.init_from, init_meta)} if args.init_from else {}),
        'training': {
            'trainer': 'python/tengen_tf',
            'export': train_export.manifest['exportHash'],
            'evalExport': ev_export.manifest['exportHash'],
            'workers': cluster_workers,
            'replicas': workers,
            'globalBatch': GB,
            'lr': args.lr,
            'lrSchedule': args.lr_schedule,
            'weightDecay': args.weight_decay,
            'valueWeight': args.value_weight,
            'augment': not args.no_augment,
            'positionsPerSecond': round(rate, 1),
        },
    })
    summary = {'out': os.path.abspath(args.out), 'steps': int(step_var.numpy()), 'workers': cluster_workers, 'replicas': workers, 'positionsPerSecond': round(rate, 1),
               'metrics': metrics, 'firstLoss': history[0]['loss'] if history else None, 'lastLoss': history[-1]['loss'] if history else None}
    print(json.dumps(summary), flush=True)
    if metrics_file:
        metrics_file.close()
    barrier()
    return 0


if __name__ == '__main__':
    sys.exit(main())

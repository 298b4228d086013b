"""Reading `tengen data export` shards with tf.data, and the 8 board symmetries in the input pipeline.

Records are decoded, never re-encoded: every plane comes from Tengen's TypeScript feature set (src/features) through
src/data/export.ts. The record layout is read from the export's manifest.json (`record`), not assumed here.

Symmetries follow src/features/symmetry.ts exactly: s in 0..7 is a bit set applied in this order: bit 0 mirrors x
(x -> 18 - x), bit 1 mirrors y (y -> 18 - y), then bit 2 transposes (x <-> y); transformed planes satisfy
dst[T(p)] = src[p] and the label becomes T(label). test/scale/ checks this against Tengen's transformPlanes.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Optional

import numpy as np

BOARD = 19
POINTS = BOARD * BOARD
SYMMETRY_COUNT = 8
EXPORT_FORMAT = 'tengen-export'
EXPORT_VERSION = 1


def _raw_transform(p: int, s: int) -> int:
    x, y = p % BOARD, p // BOARD
    if s & 1:
        x = BOARD - 1 - x
    if s & 2:
        y = BOARD - 1 - y
    if s & 4:
        x, y = y, x
    return y * BOARD + x


# FORWARD[s, p] = T_s(p); GATHER[s, q] = the source point whose value lands on q (dst[q] = src[GATHER[s, q]]).
FORWARD = np.array([[_raw_transform(p, s) for p in range(POINTS)] for s in range(SYMMETRY_COUNT)], dtype=np.int32)
GATHER = np.zeros_like(FORWARD)
for _s in range(SYMMETRY_COUNT):
    GATHER[_s, FORWARD[_s]] = np.arange(POINTS, dtype=np.int32)


@dataclass
class Export:
    """An opened export folder: its manifest and shard paths."""
    dir: str
    manifest: dict

    @property
    def layout(self) -> dict:
        return self.manifest['record']

    @property
    def planes(self) -> int:
        return int(self.layout['planes'])

    @property
    def records(self) -> int:
        return int(self.manifest['counts']['records'])

    @property
    def shard_paths(self) -> list[str]:
        return [f'{self.dir}/{s["file"]}' for s in self.manifest['shards']]


def open_export(path: str) -> Export:
    """Opens an export folder (a local path, or any URL tf.io.gfile reads, e.g. gs://bucket/export); raises ValueError
    naming the folder and the problem (missing, wrong format, bad shard)."""
    import tensorflow as tf

    gf = tf.io.gfile
    d = path.rstrip('/') if '://' in path else os.path.abspath(path)
    mf = f'{d}/manifest.json'
    if not gf.exists(mf):
        raise ValueError(f'export {d}: manifest.json is missing (make one with: tengen data export DATASET --out {path})')
    with gf.GFile(mf, 'r') as f:
        try:
            m = json.loads(f.read())
        except json.JSONDecodeError as e:
            raise ValueError(f'{mf}: corrupt JSON ({e})') from None
    if m.get('format') != EXPORT_FORMAT:
        raise ValueError(f'{mf}: field "format" must be "{EXPORT_FORMAT}", got {json.dumps(m.get("format"))}')
    if m.get('version') != EXPORT_VERSION:
        raise ValueError(f'{mf}: export version {m.get("version")} is not supported (this trainer reads {EXPORT_VERSION})')
    rb = m['record']['recordBytes']
    for s in m['shards']:
        p = f'{d}/{s["file"]}'
        size = gf.stat(p).length if gf.exists(p) else -1
        if size != s['bytes'] or size % rb != 0:
            raise ValueError(f'export {d}: shard {s["file"]} has {"gone missing" if size < 0 else f"{size} bytes"}, the manifest says {s["bytes"]}')
    return Export(d, m)


def _field(layout: dict, name: str) -> dict:
    for f in layout['fields']:
        if f['name'] == name:
            return f
    raise ValueError(f'record layout has no field "{name}"')


def decode_batch(raw, layout: dict):
    """Decodes a batch of raw records (tf.string [N]) into (planes float32 [N,19,19,P], label int32 [N],
    value float32 [N], mask float32 [N], komi float32 [N], entry int64 [N])."""
    import tensorflow as tf

    R = int(layout['recordBytes'])
    P = int(layout['planes'])
    binary = list(layout['binaryPlanes'])
    floats = list(layout['constantFloatPlanes'])
    B, F = len(binary), len(floats)
    b = tf.io.decode_raw(raw, tf.uint8)  # [N, R]
    b = tf.reshape(b, [-1, R])
    n = tf.shape(b)[0]

    def le(offset: int, count: int, dtype, size: int):
        # Little-endian multi-byte field: decode_raw over the field's bytes of every record.
        return tf.reshape(tf.io.decode_raw(tf.strings.substr(tf.reshape(raw, [-1]), offset, count * size), dtype, little_endian=True), [-1, count])

    # uint32 read as int32 and widened without sign extension.
    entry = tf.bitwise.bitwise_and(tf.cast(le(_field(layout, 'entry')['offset'], 1, tf.int32, 4)[:, 0], tf.int64), 0xFFFFFFFF)
    komi = le(_field(layout, 'komi')['offset'], 1, tf.float32, 4)[:, 0]
    label = tf.cast(le(_field(layout, 'label')['offset'], 1, tf.uint16, 2)[:, 0], tf.int32)
    vo = _field(layout, 'value')['offset']
    value = tf.cast(tf.bitcast(b[:, vo:vo + 1], tf.int8)[:, 0], tf.float32)
    mo = _field(layout, 'mask')['offset']
    mask = tf.cast(b[:, mo], tf.float32)
    bf = _field(layout, 'bits')
    bits = b[:, bf['offset']:bf['offset'] + bf['count']]  # [N, nb]
    shifts = tf.constant(np.arange(8, dtype=np.uint8))
    unpacked = tf.bitwise.bitwise_and(tf.bitwise.right_shift(bits[:, :, None], shifts[None, None, :]), 1)  # LSB first
    unpacked = tf.reshape(unpacked, [n, -1])[:, :POINTS * B]
    parts = [tf.reshape(tf.cast(unpacked, tf.float32), [n, POINTS, B])]
    if F > 0:
        fl = le(_field(layout, 'floats')['offset'], F, tf.float32, 4)  # [N, F]
        parts.append(tf.broadcast_to(fl[:, None, :], [n, POINTS, F]))
    stacked = tf.concat(parts, axis=-1)  # planes in order binary + floats
    order = binary + floats
    if order != list(range(P)):
        inv = [order.index(k) for k in range(P)]
        stacked = tf.gather(stacked, inv, axis=-1)
    planes = tf.reshape(stacked, [n, BOARD, BOARD, P])
    return planes, label, value, mask, komi, entry


def apply_symmetries(planes, label, sym):
    """Applies symmetry sym[i] (int32 in 0..7) to sample i: planes [N,19,19,P] and label [N], as features/symmetry.ts."""
    import tensorflow as tf

    n = tf.shape(planes)[0]
    P = planes.shape[-1]
    flat = tf.reshape(planes, [n, POINTS, P])
    idx = tf.gather(tf.constant(GATHER), sym)  # [N, 361]
    out = tf.gather(flat, idx, batch_dims=1)
    new_label = tf.gather_nd(tf.constant(FORWARD), tf.stack([sym, label], axis=1))
    return tf.reshape(out, [n, BOARD, BOARD, P]), new_label


def make_dataset(export: Export, batch: int, *, input_context=None, augment: bool = True, shuffle: int = 16384,
                 seed: int = 1, repeat: bool = True, symmetry: Optional[int] = None):
    """A tf.data pipeline of ((planes), {policy label, value, mask}) batches for one input pipeline (worker).

    Workers split the export by shard when there are at least as many shards as workers, else by record. Shards are
    interleaved, records shuffled in a buffer of `shuffle`, and with `augment` each sample gets a random symmetry
    (or the fixed `symmetry`).
    """
    import tensorflow as tf

    layout = export.layout
    R = int(layout['recordBytes'])
    files = export.shard_paths
    n_pipes = input_context.num_input_pipelines if input_context else 1
    pipe = input_context.input_pipeline_id if input_context else 0
    by_file = len(files) >= n_pipes
    if by_file:
        files = files[pipe::n_pipes]
    fds = tf.data.Dataset.from_tensor_slices(files)
    if repeat and shuffle > 0:
        fds = fds.shuffle(len(files), seed=seed + pipe, reshuffle_each_iteration=True)
    ds = fds.interleave(lambda f: tf.data.FixedLengthRecordDataset(f, R, buffer_size=1 << 20),
                        cycle_length=max(1, min(len(files), 8)), block_length=16,
                        num_parallel_calls=tf.data.AUTOTUNE, deterministic=not (repeat and shuffle > 0))
    if not by_file:
        ds = ds.shard(n_pipes, pipe)
    if repeat:
        ds = ds.repeat()
    if shuffle > 0:
        ds = ds.shuffle(shuffle, seed=seed + 7919 * pipe, reshuffle_each_iteration=True)
    ds = ds.batch(batch, drop_remainder=repeat)
    rng = tf.random.Generator.from_seed(seed + 104729 * pipe) if augment and symmetry is None else None

    def decode(raw):
        planes, label, value, mask, komi, entry = decode_batch(raw, layout)
        n = tf.shape(label)[0]
        if symmetry is not None:
            sym = tf.fill([n], tf.constant(symmetry, tf.int32))
        elif rng is not None:
            sym = rng.uniform([n], 0, SYMMETRY_COUNT, dtype=tf.int32)
        else:
            sym = tf.zeros([n], tf.int32)
        planes, label = apply_symmetries(planes, label, sym)
        return planes, {'label': label, 'value': value, 'mask': mask, 'entry': entry, 'symmetry': sym}

    return ds.map(decode, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

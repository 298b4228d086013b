"""Tengen model folders from Python: write (tfjs layers model.json + weights.bin + tengen.json) and read (--init-from).

model.json is the TensorFlow.js layers format (Keras-2 style topology, as src/model/io.ts writes and loads with
tf.loadLayersModel), generated from the Keras model's own layers and graph, so whatever model.py builds is what gets
written. weights.bin holds float32 little-endian weights in Tengen's canonical order (model.param_specs), named
`layer/weight` like tfjs. The folder is written atomically (temp folder + rename), like src/model/atomic-dir.ts.
"""
from __future__ import annotations

import datetime
import json
import math
import os
import shutil
from typing import Any, Optional

import numpy as np

from .model import Arch, arch_from_json, param_specs, get_params, set_params

TENGEN_FORMAT = 'tengen-model'
TENGEN_FORMAT_VERSION = 1


def _initializer(obj) -> Optional[dict]:
    if obj is None:
        return None
    return {'class_name': type(obj).__name__, 'config': {}}


def _layer_config(layer) -> tuple[str, dict]:
    """tfjs class name and config of one Keras layer (the layer types model.py uses)."""
    import keras
    L = keras.layers
    name = layer.name
    c: dict[str, Any] = {'name': name, 'trainable': True}
    if isinstance(layer, L.InputLayer):
        shape = list(layer.batch_shape) if hasattr(layer, 'batch_shape') else [None, *layer.output.shape[1:]]
        return 'InputLayer', {'batch_input_shape': [None, *shape[1:]], 'dtype': 'float32', 'sparse': False, 'name': name}
    if isinstance(layer, L.Conv2D):
        act = keras.activations.serialize(layer.activation)
        act = act if isinstance(act, str) else act.get('config', {}).get('name', 'linear')
        c.update({
            'filters': layer.filters, 'kernel_size': list(layer.kernel_size), 'strides': list(layer.strides),
            'padding': layer.padding, 'data_format': 'channels_last', 'dilation_rate': list(layer.dilation_rate),
            'activation': 'linear' if act in (None, 'linear') else act, 'use_bias': layer.use_bias,
            'kernel_initializer': {'class_name': 'Zeros', 'config': {}}, 'bias_initializer': {'class_name': 'Zeros', 'config': {}},
            'kernel_regularizer': None, 'bias_regularizer': None, 'activity_regularizer': None,
            'kernel_constraint': None, 'bias_constraint': None,
        })
        return 'Conv2D', c
    if isinstance(layer, L.BatchNormalization):
        c.update({'axis': -1, 'momentum': layer.momentum, 'epsilon': layer.epsilon, 'center': layer.center, 'scale': layer.scale,
                  'beta_initializer': {'class_name': 'Zeros', 'config': {}}, 'gamma_initializer': {'class_name': 'Ones', 'config': {}},
                  'moving_mean_initializer': {'class_name': 'Zeros', 'config': {}},
                  'moving_variance_initializer': {'class_name': 'Ones', 'config': {}},
                  'beta_regularizer': None, 'gamma_regularizer': None, 'beta_constraint': None, 'gamma_constraint': None})
        return 'BatchNormalization', c
    if isinstance(layer, L.Activation):
        act = keras.activations.serialize(layer.activation)
        c['activation'] = act if isinstance(act, str) else act.get('config', {}).get('name')
        return 'Activation', c
    if isinstance(layer, L.Add):
        return 'Add', c
    if isinstance(layer, L.Flatten):
        return 'Flatten', c
    if isinstance(layer, L.GlobalAveragePooling2D):
        c['data_format'] = 'channels_last'
        return 'GlobalAveragePooling2D', c
    if isinstance(layer, L.Dense):
        act = keras.activations.serialize(layer.activation)
        act = act if isinstance(act, str) else act.get('config', {}).get('name', 'linear')
        c.update({'units': layer.units, 'activation': 'linear' if act in (None, 'linear') else act, 'use_bias': layer.use_bias,
                  'kernel_initializer': {'class_name': 'Zeros', 'config': {}}, 'bias_initializer': {'class_name': 'Zeros', 'config': {}},
                  'kernel_regularizer': None, 'bias_regularizer': None, 'activity_regularizer': None,
                  'kernel_constraint': None, 'bias_constraint': None})
        return 'Dense', c
    raise ValueError(f'export_tfjs: layer "{name}" of type {type(layer).__name__} has no tfjs mapping')


def _inbound(layer) -> list:
    """tfjs inbound_nodes of a layer: [[ [source layer, node, tensor, {}] ... ]]."""
    nodes = getattr(layer, '_inbound_nodes', [])
    if not nodes:
        return []
    node = nodes[0]
    srcs = []
    for t in node.input_tensors:
        op, node_index, tensor_index = t._keras_history
        srcs.append([op.name, node_index, tensor_index, {}])
    return [srcs] if srcs else []


def model_topology(model) -> dict:
    """The tfjs layers-model topology of a Keras functional model."""
    layers = []
    for layer in model.layers:
        cls, cfg = _layer_config(layer)
        layers.append({'name': layer.name, 'class_name': cls, 'config': cfg, 'inbound_nodes': _inbound(layer)})
    outs = [[t._keras_history[0].name, 0, 0] for t in model.outputs]
    return {
        'class_name': 'Model',
        'config': {'name': model.name, 'layers': layers, 'input_layers': [[model.inputs[0]._keras_history[0].name, 0, 0]], 'output_layers': outs},
        'keras_version': 'tfjs-layers 4.22.0',
        'backend': 'tensor_flow.js',
    }


def save_tengen_model(out_dir: str, model, arch: Arch, feature_set: dict, meta: dict) -> None:
    """Writes a Tengen model folder atomically. meta: dataManifestHash, steps, positionsSeen, metrics, backend,
    wallClockSeconds (and optional extra fields such as training, kept as is)."""
    params = get_params(model, arch)
    specs = param_specs(arch)
    weights = [{'name': s['name'], 'shape': s['shape'], 'dtype': 'float32'} for s in specs]
    blob = b''.join(np.ascontiguousarray(p, dtype='<f4').tobytes() for p in params)
    model_json = {
        'format': 'layers-model',
        'generatedBy': 'tengen_tf (Keras ' + _keras_version() + ')',
        'convertedBy': None,
        'modelTopology': model_topology(model),
        'weightsManifest': [{'paths': ['weights.bin'], 'weights': weights}],
    }
    if feature_set.get('planes') != arch.planes:
        raise ValueError(f'featureSet.planes ({feature_set.get("planes")}) does not match architecture.planes ({arch.planes})')
    tengen = {
        'format': TENGEN_FORMAT,
        'formatVersion': TENGEN_FORMAT_VERSION,
        'architecture': arch.to_json(),
        'featureSet': {'name': feature_set['name'], 'version': feature_set['version'], 'planes': feature_set['planes']},
        'dataManifestHash': meta.get('dataManifestHash'),
        'steps': int(meta.get('steps', 0)),
        'positionsSeen': int(meta.get('positionsSeen', 0)),
        'metrics': {k: float(v) for k, v in meta.get('metrics', {}).items()},
        'backend': meta.get('backend', 'tensorflow (python)'),
        'date': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z'),
        'wallClockSeconds': round_tenth(float(meta.get('wallClockSeconds', 0.0))),
    }
    for k, v in meta.items():
        if k not in tengen and k not in ('metrics',):
            tengen[k] = v
    files = {'model.json': json.dumps(model_json).encode(), 'weights.bin': blob,
             'tengen.json': (json.dumps(tengen, indent=2) + '\n').encode()}
    _write_dir_atomic(out_dir, files)


def round_tenth(x: float) -> float:
    """x to a tenth as src/model/metadata.ts does (JS Math.round(x * 10) / 10: halves up), not Python's round (halves to
    even), so both trainers write the same total for the same inputs."""
    return math.floor(x * 10 + 0.5) / 10


def init_from_record(model_dir: str, meta: dict) -> dict:
    """The top-level `initFrom` record of a run started from model folder `model_dir` whose tengen.json is `meta`:
    that model and everything behind it, as totals over a chain of restarts. Mirrors initFromRecord in
    src/model/metadata.ts (the one definition of the record; `tengen eval`, `tengen plot` and GET /v1/models read it)."""
    prev = meta.get('initFrom') or {}
    return {
        'model': model_dir,
        'steps': int(meta.get('steps', 0)) + int(prev.get('steps', 0)),
        'positionsSeen': int(meta.get('positionsSeen', 0)) + int(prev.get('positionsSeen', 0)),
        'wallClockSeconds': round_tenth(float(meta.get('wallClockSeconds', 0.0)) + float(prev.get('wallClockSeconds', 0.0))),
        'dataManifestHash': meta.get('dataManifestHash'),
    }


def _keras_version() -> str:
    import keras
    return keras.__version__


def _write_dir_atomic(out_dir: str, files: dict[str, bytes]) -> None:
    abs_dir = os.path.abspath(out_dir)
    os.makedirs(os.path.dirname(abs_dir), exist_ok=True)
    tmp = f'{abs_dir}.tmp-{os.getpid()}'
    old = f'{abs_dir}.old'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for name, data in files.items():
        with open(os.path.join(tmp, name), 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(abs_dir):
        os.rename(abs_dir, old)
    os.rename(tmp, abs_dir)
    shutil.rmtree(old, ignore_errors=True)


def read_tengen_model(model_dir: str) -> tuple[Arch, dict, list]:
    """Reads a Tengen model folder: (architecture, tengen.json, weights in canonical order as numpy arrays).
    Weights are looked up by name in model.json's manifest; raises ValueError naming the file and weight on a mismatch."""
    d = os.path.abspath(model_dir)
    if not os.path.isdir(d) and os.path.isdir(d + '.old'):
        d = d + '.old'
    tj = os.path.join(d, 'tengen.json')
    mj = os.path.join(d, 'model.json')
    wb = os.path.join(d, 'weights.bin')
    for f in (tj, mj, wb):
        if not os.path.exists(f):
            raise ValueError(f'{f}: file is missing')
    with open(tj, encoding='utf-8') as f:
        meta = json.load(f)
    if meta.get('format') != TENGEN_FORMAT:
        raise ValueError(f'{tj}: field "format" must be "{TENGEN_FORMAT}"')
    arch = arch_from_json(meta.get('architecture'), f'{tj}: architecture')
    with open(mj, encoding='utf-8') as f:
        manifest = json.load(f)['weightsManifest']
    if len(manifest) != 1:
        raise ValueError(f'{mj}: field "weightsManifest" must list one group of weights')
    data = open(wb, 'rb').read()
    by_name: dict[str, np.ndarray] = {}
    off = 0
    for w in manifest[0]['weights']:
        if w.get('dtype', 'float32') != 'float32':
            raise ValueError(f'{mj}: weight "{w["name"]}" has dtype {w["dtype"]}, expected float32')
        n = math.prod(w['shape'])
        if off + 4 * n > len(data):
            raise ValueError(f'{wb}: {len(data)} bytes, but {mj} describes more (truncated)')
        by_name[w['name']] = np.frombuffer(data, dtype='<f4', count=n, offset=off).reshape(w['shape']).copy()
        off += 4 * n
    if off != len(data):
        raise ValueError(f'{wb}: {len(data)} bytes, but {mj} describes {off}')
    params = []
    for s in param_specs(arch):
        a = by_name.get(s['name'])
        if a is None:
            raise ValueError(f'{mj}: no weight "{s["name"]}" required by the architecture in tengen.json')
        if list(a.shape) != s['shape']:
            raise ValueError(f'{mj}: weight "{s["name"]}" has shape {list(a.shape)}, expected {s["shape"]}')
        params.append(a)
    return arch, meta, params


def load_into(model, arch: Arch, model_dir: str) -> dict:
    """Copies a Tengen model folder's weights into a Keras model of the same architecture; returns its tengen.json."""
    src_arch, meta, params = read_tengen_model(model_dir)
    if src_arch != arch:
        raise ValueError(f'{model_dir}: architecture {src_arch.label()} differs from the one being trained ({arch.label()})')
    set_params(model, arch, params)
    return meta

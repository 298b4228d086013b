"""The Tengen network in Keras 3, built from a Tengen architecture spec (the `architecture` object of tengen.json).

Layer names, order, shapes and hyper-parameters follow src/model/params.ts (layerSpecs/paramSpecs) and
src/model/build.ts so that weights move between Keras and tfjs by name and the canonical parameter order is the
same: trunk (plain: conv0 5x5 + conv1..convD 3x3, bias+relu; residual: conv0 without bias, bn0+relu, blocks
res{b}_conv1/bn1(+relu)/conv2/bn2/add(+relu)), policy head (1x1 conv `policy` -> `flatten` -> `policy_softmax`),
with `valueHead` the value head (value_conv 1x1 relu -> value_pool GAP -> value_fc1 relu -> value_fc2 tanh), and with
`ownershipHead` (needs a value head) the ownership head (ownership_conv 1x1 -> ownership_flatten -> ownership_tanh).
Outputs in Tengen's order: [policy] or [policy, value] or [policy, value, ownership].
This module is the one Keras definition: bench/keras_reference.py and the trainer import it.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional

BOARD = 19
POINTS = BOARD * BOARD
INPUT_NAME = 'planes'
LOGITS_LAYER = 'flatten'
POLICY_OUTPUT = 'policy_softmax'
VALUE_OUTPUT = 'value_fc2'
# The ownership head (src/model/params.ts OWNERSHIP_*): 1x1 conv of the trunk to one plane -> flatten -> tanh.
OWNERSHIP_CONV = 'ownership_conv'
OWNERSHIP_FLAT = 'ownership_flatten'
OWNERSHIP_OUTPUT = 'ownership_tanh'
# Keras defaults, and what Tengen's build.ts / training forward use.
BN_EPSILON = 1e-3
BN_MOMENTUM = 0.99

# Presets of src/model/config.ts (name -> depth, width, block), so `--net default` means the same thing on both sides.
PRESETS = {
    'tiny': (2, 8, 'plain'),
    'small': (6, 32, 'plain'),
    'default': (8, 32, 'plain'),
    'large': (12, 128, 'residual'),
}


@dataclass(frozen=True)
class ValueHead:
    channels: int
    hidden: int


@dataclass(frozen=True)
class Arch:
    """A Tengen architecture spec: tengen.json's `architecture`."""
    depth: int
    width: int
    block: str
    planes: int
    value_head: Optional[ValueHead] = None
    # tengen.json `ownershipHead: true` (only with a value head, as validateArchConfig requires).
    ownership_head: bool = False

    def to_json(self) -> dict:
        out: dict[str, Any] = {'depth': self.depth, 'width': self.width, 'block': self.block, 'planes': self.planes}
        if self.value_head is not None:
            out['valueHead'] = {'channels': self.value_head.channels, 'hidden': self.value_head.hidden}
        if self.ownership_head:
            out['ownershipHead'] = True
        return out

    def label(self) -> str:
        v = f' + value {self.value_head.channels}/{self.value_head.hidden}' if self.value_head else ''
        o = ' + ownership' if self.ownership_head else ''
        return f'{self.depth}x{self.width}{"r" if self.block == "residual" else ""}{v}{o}'


def arch_from_json(raw: Any, where: str = 'architecture') -> Arch:
    """Validates a tengen.json `architecture` object (same rules as validateArchConfig in src/model/config.ts)."""
    if not isinstance(raw, dict):
        raise ValueError(f'{where}: expected an object, got {json.dumps(raw)}')

    def integer(field: str, lo: int, hi: int, obj: dict = raw, w: str = where) -> int:
        v = obj.get(field)
        if not isinstance(v, int) or isinstance(v, bool) or v < lo or v > hi:
            raise ValueError(f'{w}: field "{field}" must be an integer in {lo}..{hi}, got {json.dumps(v)}')
        return v

    depth = integer('depth', 0, 100)
    width = integer('width', 1, 1024)
    planes = integer('planes', 1, 1024)
    block = raw.get('block')
    if block not in ('plain', 'residual'):
        raise ValueError(f'{where}: field "block" must be "plain" or "residual", got {json.dumps(block)}')
    if block == 'residual' and depth % 2 != 0:
        raise ValueError(f'{where}: field "depth" must be even for residual blocks (2 convs each), got {depth}')
    # As validateArchConfig: a present valueHead must be an object (JSON null included); ownershipHead needs a value
    # head when truthy, and beside one must be true or false.
    if 'valueHead' not in raw:
        if raw.get('ownershipHead') not in (None, False, 0, ''):  # JavaScript truthiness, as the TypeScript check
            raise ValueError(f'{where}: field "ownershipHead" needs a value head ("valueHead")')
        return Arch(depth, width, block, planes)
    v = raw['valueHead']
    if not isinstance(v, dict):
        raise ValueError(f'{where}: field "valueHead" must be an object {{channels, hidden}}, got {json.dumps(v)}')

    def vint(field: str) -> int:
        x = v.get(field)
        if not isinstance(x, int) or isinstance(x, bool) or x < 1 or x > 1024:
            raise ValueError(f'{where}: field "valueHead.{field}" must be an integer in 1..1024, got {json.dumps(x)}')
        return x

    vh = ValueHead(vint('channels'), vint('hidden'))
    own = False
    if 'ownershipHead' in raw:
        o = raw['ownershipHead']
        if not isinstance(o, bool):
            raise ValueError(f'{where}: field "ownershipHead" must be true or false, got {json.dumps(o)}')
        own = o
    return Arch(depth, width, block, planes, vh, own)


def arch_from_spec(spec: str, planes: int, value_head: Optional[ValueHead] = None) -> Arch:
    """A preset name or DEPTHxWIDTH[r] (as archFromSpec in src/model/config.ts), or a JSON architecture object."""
    s = spec.strip()
    if s.startswith('{'):
        return arch_from_json(json.loads(s))
    if s in PRESETS:
        d, w, b = PRESETS[s]
        return arch_from_json({'depth': d, 'width': w, 'block': b, 'planes': planes,
                               **({'valueHead': {'channels': value_head.channels, 'hidden': value_head.hidden}} if value_head else {})})
    m = re.fullmatch(r'(\d+)x(\d+)(r?)', s)
    if not m:
        raise ValueError(f'architecture {json.dumps(spec)}: expected a preset ({", ".join(PRESETS)}), DEPTHxWIDTH[r] or a JSON object')
    raw = {'depth': int(m[1]), 'width': int(m[2]), 'block': 'residual' if m[3] else 'plain', 'planes': planes}
    if value_head:
        raw['valueHead'] = {'channels': value_head.channels, 'hidden': value_head.hidden}
    return arch_from_json(raw, f'architecture {spec}')


# ---- layer and parameter lists (mirror of params.ts) ----

def layer_specs(a: Arch) -> list[dict]:
    """Layers in forward order, as layerSpecs() in src/model/params.ts (policy conv last among the trunk/policy convs)."""
    out: list[dict] = []
    res = a.block == 'residual'
    out.append({'type': 'conv', 'name': 'conv0', 'k': 5, 'in': a.planes, 'out': a.width, 'bias': not res, 'relu': not res})
    if res:
        out.append({'type': 'bn', 'name': 'bn0', 'channels': a.width, 'relu': True})
        for b in range(1, a.depth // 2 + 1):
            out.append({'type': 'residual-start'})
            out.append({'type': 'conv', 'name': f'res{b}_conv1', 'k': 3, 'in': a.width, 'out': a.width, 'bias': False, 'relu': False})
            out.append({'type': 'bn', 'name': f'res{b}_bn1', 'channels': a.width, 'relu': True})
            out.append({'type': 'conv', 'name': f'res{b}_conv2', 'k': 3, 'in': a.width, 'out': a.width, 'bias': False, 'relu': False})
            out.append({'type': 'bn', 'name': f'res{b}_bn2', 'channels': a.width, 'relu': False})
            out.append({'type': 'residual-add', 'name': f'res{b}_add', 'relu': True})
    else:
        for i in range(1, a.depth + 1):
            out.append({'type': 'conv', 'name': f'conv{i}', 'k': 3, 'in': a.width, 'out': a.width, 'bias': True, 'relu': True})
    out.append({'type': 'conv', 'name': 'policy', 'k': 1, 'in': a.width, 'out': 1, 'bias': True, 'relu': False})
    return out


def param_specs(a: Arch) -> list[dict]:
    """Every weight in Tengen's canonical order: {layer, kind, name (tfjs weight name), shape, trainable}."""
    specs: list[dict] = []

    def add(layer: str, kind: str, suffix: str, shape: list[int], trainable: bool = True) -> None:
        specs.append({'layer': layer, 'kind': kind, 'name': f'{layer}/{suffix}', 'shape': shape, 'trainable': trainable})

    for l in layer_specs(a):
        if l['type'] == 'conv':
            add(l['name'], 'kernel', 'kernel', [l['k'], l['k'], l['in'], l['out']])
            if l['bias']:
                add(l['name'], 'bias', 'bias', [l['out']])
        elif l['type'] == 'bn':
            c = [l['channels']]
            add(l['name'], 'gamma', 'gamma', c)
            add(l['name'], 'beta', 'beta', c)
            add(l['name'], 'movingMean', 'moving_mean', c, False)
            add(l['name'], 'movingVariance', 'moving_variance', c, False)
    if a.value_head is not None:
        vh = a.value_head
        add('value_conv', 'kernel', 'kernel', [1, 1, a.width, vh.channels])
        add('value_conv', 'bias', 'bias', [vh.channels])
        add('value_fc1', 'kernel', 'kernel', [vh.channels, vh.hidden])
        add('value_fc1', 'bias', 'bias', [vh.hidden])
        add('value_fc2', 'kernel', 'kernel', [vh.hidden, 1])
        add('value_fc2', 'bias', 'bias', [1])
    if a.ownership_head:
        # After the value head in canonical order (paramSpecs: layerSpecs, valueHeadSpecs, ownershipHeadSpecs).
        add(OWNERSHIP_CONV, 'kernel', 'kernel', [1, 1, a.width, 1])
        add(OWNERSHIP_CONV, 'bias', 'bias', [1])
    return specs


def count_trainable(a: Arch) -> int:
    return sum(math.prod(s['shape']) for s in param_specs(a) if s['trainable'])


# ---- Keras model ----

def build_model(a: Arch, l2: float = 0.0):
    """Builds the Keras functional model: input `planes` (N,19,19,planes) -> [policy_softmax (N,361)] (+ value_fc2 (N,1))
    (+ ownership_tanh (N,361)), the outputs in that order, as buildModel in src/model/build.ts.

    Conv and dense kernels get an L2 regulariser of `l2` (Tengen decays kernels, not biases or batch norm); initialisers are Keras defaults
    (the trainer either trains from scratch or loads weights with `set_params`).
    """
    import keras
    from keras import layers

    reg = keras.regularizers.L2(l2) if l2 > 0 else None
    inp = keras.Input(shape=(BOARD, BOARD, a.planes), name=INPUT_NAME)
    x = inp
    skip = None
    relus = 0
    for l in layer_specs(a):
        t = l['type']
        if t == 'conv':
            if l['name'] == 'policy':
                trunk = x
            x = layers.Conv2D(l['out'], l['k'], padding='same', use_bias=l['bias'], activation='relu' if l['relu'] else None,
                              kernel_regularizer=reg, name=l['name'])(x)
        elif t == 'bn':
            x = layers.BatchNormalization(axis=-1, epsilon=BN_EPSILON, momentum=BN_MOMENTUM, name=l['name'])(x)
            if l['relu']:
                x = layers.Activation('relu', name=f'relu{relus}')(x)
                relus += 1
        elif t == 'residual-start':
            skip = x
        else:
            x = layers.Add(name=l['name'])([x, skip])
            if l['relu']:
                x = layers.Activation('relu', name=f'relu{relus}')(x)
                relus += 1
            skip = None
    logits = layers.Flatten(name=LOGITS_LAYER)(x)
    policy = layers.Activation('softmax', name=POLICY_OUTPUT)(logits)
    if a.value_head is None:
        return keras.Model(inp, policy, name='tengen_policy')
    vh = a.value_head
    v = layers.Conv2D(vh.channels, 1, padding='same', activation='relu', kernel_regularizer=reg, name='value_conv')(trunk)
    v = layers.GlobalAveragePooling2D(name='value_pool')(v)
    v = layers.Dense(vh.hidden, activation='relu', kernel_regularizer=reg, name='value_fc1')(v)
    v = layers.Dense(1, activation='tanh', kernel_regularizer=reg, name=VALUE_OUTPUT)(v)
    outputs = [policy, v]
    if a.ownership_head:
        o = layers.Conv2D(1, 1, padding='same', activation=None, kernel_regularizer=reg, name=OWNERSHIP_CONV)(trunk)
        o = layers.Flatten(name=OWNERSHIP_FLAT)(o)
        outputs.append(layers.Activation('tanh', name=OWNERSHIP_OUTPUT)(o))
    return keras.Model(inp, outputs, name='tengen_policy_value')


def _weight_variables(model, a: Arch) -> Iterator[tuple[dict, Any]]:
    """Pairs each canonical param spec with the Keras variable holding it."""
    by_layer: dict[str, list] = {}
    for s in param_specs(a):
        layer = model.get_layer(s['layer'])
        ws = by_layer.setdefault(s['layer'], list(layer.weights))
        suffix = s['name'].split('/', 1)[1]
        match = [w for w in ws if w.name == suffix or w.path.endswith('/' + suffix)]
        if len(match) != 1:
            raise ValueError(f'layer "{s["layer"]}" has no unique weight "{suffix}" (has {[w.path for w in ws]})')
        if list(match[0].shape) != s['shape']:
            raise ValueError(f'layer "{s["layer"]}" weight {suffix}: expected shape {s["shape"]}, got {list(match[0].shape)}')
        yield s, match[0]


def get_params(model, a: Arch) -> list:
    """The model's weights as float32 numpy arrays in Tengen's canonical order."""
    import numpy as np
    return [np.asarray(v.numpy(), dtype=np.float32) for _, v in _weight_variables(model, a)]


def set_params(model, a: Arch, params: list) -> None:
    """Assigns weights given in Tengen's canonical order (numpy arrays, any shape with the right size)."""
    import numpy as np
    pairs = list(_weight_variables(model, a))
    if len(params) != len(pairs):
        raise ValueError(f'set_params: expected {len(pairs)} arrays, got {len(params)}')
    for (s, v), p in zip(pairs, params):
        arr = np.asarray(p, dtype=np.float32)
        if arr.size != math.prod(s['shape']):
            raise ValueError(f'set_params: {s["name"]} needs {math.prod(s["shape"])} values, got {arr.size}')
        v.assign(arr.reshape(s['shape']))

// Architecture configuration of the pooling-free policy CNN, its named presets and validation.
// Depth counts the 3×3 conv layers after the 5×5 stem, for both block types, so that presets of
// the same depth×width cost about the same; a residual net needs an even depth (two convs a block).

export const BOARD = 19;
export const POINTS = BOARD * BOARD;

export type BlockType = 'plain' | 'residual';

/** Identifies the feature planes a model consumes (defined with the feature sets); must match its data. */
export type { FeatureSetId } from '../features/registry.js';

/** The value head: 1×1 conv to `channels` (relu) → global mean over the board → dense `hidden` (relu) → dense 1 (tanh). */
export interface ValueHeadConfig {
  channels: number;
  hidden: number;
}

/** The value head new models get unless told otherwise (`--value-head`). */
export const DEFAULT_VALUE_HEAD: ValueHeadConfig = { channels: 32, hidden: 64 };

export interface ArchConfig {
  /** 3×3 conv layers after the 5×5 stem (residual: 2 per block, so even). */
  depth: number;
  /** Filters of every hidden conv layer. */
  width: number;
  block: BlockType;
  /** Input planes (from the feature set). */
  planes: number;
  /** Absent: a policy-only network (the shipped 8×32 of format 1). */
  valueHead?: ValueHeadConfig;
  /**
   * An ownership head beside the value head (needs one): a 1×1 conv of the trunk to one plane, tanh = who owns each
   * point at the end of the game from the side to move's view. A training target that teaches the trunk territory
   * (data/ownership.ts); served as the model's third output.
   */
  ownershipHead?: boolean;
}

export type PresetName = 'tiny' | 'small' | 'default' | 'large';

const PRESETS: Record<PresetName, Omit<ArchConfig, 'planes'>> = {
  tiny: { depth: 2, width: 8, block: 'plain' },
  small: { depth: 6, width: 32, block: 'plain' },
  // The trainer's default and models/8x32's trunk: on 2 CPU cores 8×32 trains 2.2× more positions/s than 6×64
  // (174 vs 80) and answers one position in ~3 ms (budget 15 ms); each output sees 10 lines in every direction
  // (21×21 field). models/default is a 6×64 plain net (--depth 6 --width 64), trained for many hours to be worth
  // its cost. The measured trade-off is in models/README.md.
  default: { depth: 8, width: 32, block: 'plain' },
  large: { depth: 12, width: 128, block: 'residual' },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** Returns the architecture of a named preset for the given number of input planes; throws on an unknown name. */
export function presetConfig(name: string, planes: number): ArchConfig {
  if (!Object.hasOwn(PRESETS, name)) {
    throw new Error(`unknown model preset ${JSON.stringify(name)} (expected one of ${PRESET_NAMES.join(', ')})`);
  }
  return validateArchConfig({ ...PRESETS[name as PresetName], planes }, `preset ${name}`);
}

/** A preset name, or `DEPTHxWIDTH` with an optional `r` for residual blocks (e.g. `6x64`, `12x128r`), as a config. */
export function archFromSpec(spec: string, planes: number): ArchConfig {
  if (Object.hasOwn(PRESETS, spec)) return presetConfig(spec, planes);
  const m = /^(\d+)x(\d+)(r?)$/.exec(spec);
  if (!m) throw new Error(`architecture ${JSON.stringify(spec)}: expected a preset (${PRESET_NAMES.join(', ')}) or DEPTHxWIDTH[r], e.g. 6x64 or 12x128r`);
  return validateArchConfig({ depth: Number(m[1]), width: Number(m[2]), block: m[3] ? 'residual' : 'plain', planes }, `architecture ${spec}`);
}

/** Checks an architecture config (e.g. parsed from tengen.json) and returns it typed; throws naming the bad field. */
export function validateArchConfig(raw: unknown, where = 'architecture'): ArchConfig {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${where}: expected an object, got ${JSON.stringify(raw)}`);
  const r = raw as Record<string, unknown>;
  const int = (field: string, min: number, max: number): number => {
    const v = r[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new Error(`${where}: field "${field}" must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const depth = int('depth', 0, 100);
  const width = int('width', 1, 1024);
  const planes = int('planes', 1, 1024);
  const block = r.block;
  if (block !== 'plain' && block !== 'residual') {
    throw new Error(`${where}: field "block" must be "plain" or "residual", got ${JSON.stringify(block)}`);
  }
  if (block === 'residual' && depth % 2 !== 0) {
    throw new Error(`${where}: field "depth" must be even for residual blocks (2 convs each), got ${depth}`);
  }
  if (r.valueHead === undefined) {
    if (r.ownershipHead) throw new Error(`${where}: field "ownershipHead" needs a value head ("valueHead")`);
    return { depth, width, block, planes };
  }
  const vh = r.valueHead as Record<string, unknown>;
  if (typeof vh !== 'object' || vh === null) throw new Error(`${where}: field "valueHead" must be an object {channels, hidden}, got ${JSON.stringify(vh)}`);
  const vint = (field: string): number => {
    const v = vh[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1024) {
      throw new Error(`${where}: field "valueHead.${field}" must be an integer in 1..1024, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const out: ArchConfig = { depth, width, block, planes, valueHead: { channels: vint('channels'), hidden: vint('hidden') } };
  if (r.ownershipHead !== undefined) {
    if (typeof r.ownershipHead !== 'boolean') throw new Error(`${where}: field "ownershipHead" must be true or false, got ${JSON.stringify(r.ownershipHead)}`);
    if (r.ownershipHead) out.ownershipHead = true;
  }
  return out;
}

/** Short human label such as `6×64 plain`. */
export function describeArch(c: ArchConfig): string {
  const head = (c.valueHead ? ` + value head ${c.valueHead.channels}/${c.valueHead.hidden}` : '') + (c.ownershipHead ? ' + ownership head' : '');
  return `${c.depth}×${c.width} ${c.block}${head} (${c.planes} planes)`;
}

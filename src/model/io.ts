// Save/load of self-describing models: standard tfjs layers files (model.json + weights.bin, convertible
// to Keras with tensorflowjs_converter) plus tengen.json. Everything is validated on load, and every
// error names the file and field at fault.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildModel, getParams, setParams, INPUT_NAME } from './build.js';
import { BOARD, type ArchConfig } from './config.js';
import { validateMetadata, TENGEN_FORMAT, TENGEN_FORMAT_VERSION, TENGEN_JSON, type ModelMetadata } from './metadata.js';
import { writeDirAtomic, resolveDir } from './atomic-dir.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export { TENGEN_JSON };

export type MetadataInput = Omit<ModelMetadata, 'format' | 'formatVersion' | 'architecture' | 'date'> & { date?: string };

export interface LoadedModel {
  model: tf.LayersModel;
  meta: ModelMetadata;
  /** Weights as flat arrays in canonical order (see params.ts). */
  params: Float32Array[];
  /** Directory actually read (may be `<dir>.old` after an interrupted write). */
  dir: string;
}

function joinWeightData(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), off);
    off += b.byteLength;
  }
  return out;
}

/** Serialises architecture + flat params + metadata into the files of a model directory (no disk I/O). */
export async function modelFiles(config: ArchConfig, params: readonly Float32Array[], meta: MetadataInput): Promise<Map<string, string | Uint8Array>> {
  const full: ModelMetadata = {
    format: TENGEN_FORMAT,
    formatVersion: TENGEN_FORMAT_VERSION,
    architecture: config,
    ...meta,
    date: meta.date ?? new Date().toISOString(),
  };
  validateMetadata(JSON.parse(JSON.stringify(full)), 'tengen.json (being written)');
  const model = buildModel(config);
  try {
    setParams(model, config, params);
    const files = new Map<string, string | Uint8Array>();
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        const json = {
          format: a.format ?? 'layers-model',
          generatedBy: a.generatedBy,
          convertedBy: a.convertedBy ?? null,
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs }],
        };
        files.set(MODEL_JSON, JSON.stringify(json));
        files.set(WEIGHTS_BIN, joinWeightData(a.weightData as ArrayBuffer | ArrayBuffer[]));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    files.set(TENGEN_JSON, JSON.stringify(full, null, 2) + '\n');
    return files;
  } finally {
    model.dispose();
  }
}

/** First 16 hex digits of the sha256 of a model directory's weights.bin: tells two models with the same name apart. */
export async function weightsDigest(dir: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(path.join(dir, WEIGHTS_BIN))).digest('hex').slice(0, 16);
}

/** Writes a model directory atomically (temp dir + rename). */
export async function saveModel(dir: string, config: ArchConfig, params: readonly Float32Array[], meta: MetadataInput): Promise<void> {
  await writeDirAtomic(dir, await modelFiles(config, params, meta));
}

async function readFileNamed(dir: string, name: string): Promise<Buffer> {
  try {
    return await fs.readFile(path.join(dir, name));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${path.join(dir, name)}: ${code === 'ENOENT' ? 'file is missing' : (err as Error).message}`);
  }
}

function parseJson(buf: Buffer, file: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new Error(`${file}: corrupt JSON (${(err as Error).message})`);
  }
}

/** Reads and validates only a model directory's tengen.json (no weights); throws naming the file and field. */
export async function loadModelMetadata(dir: string): Promise<ModelMetadata> {
  const real = resolveDir(dir);
  if (!real) throw new Error(`${path.resolve(dir)}: model directory does not exist`);
  const file = path.join(real, TENGEN_JSON);
  return validateMetadata(parseJson(await readFileNamed(real, TENGEN_JSON), file), file);
}

/** Loads and validates a model directory; throws naming the file and field on anything missing, corrupt or mismatched. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const real = resolveDir(dir);
  if (!real) throw new Error(`${path.resolve(dir)}: model directory does not exist`);
  const tengenFile = path.join(real, TENGEN_JSON);
  const modelFile = path.join(real, MODEL_JSON);
  const weightsFile = path.join(real, WEIGHTS_BIN);
  const meta = validateMetadata(parseJson(await readFileNamed(real, TENGEN_JSON), tengenFile), tengenFile);
  const mj = parseJson(await readFileNamed(real, MODEL_JSON), modelFile) as Record<string, unknown>;
  if (typeof mj !== 'object' || mj === null || typeof mj.modelTopology !== 'object' || mj.modelTopology === null) {
    throw new Error(`${modelFile}: field "modelTopology" is missing`);
  }
  const manifest = mj.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] | undefined;
  if (!Array.isArray(manifest) || manifest.length !== 1 || !Array.isArray(manifest[0]?.weights)) {
    throw new Error(`${modelFile}: field "weightsManifest" must list one group of weights`);
  }
  const specs = manifest[0].weights;
  const weights = await readFileNamed(real, WEIGHTS_BIN);
  let expected = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32') throw new Error(`${modelFile}: weight "${s.name}" has dtype ${s.dtype}, expected float32`);
    expected += 4 * s.shape.reduce((a, b) => a * b, 1);
  }
  if (weights.byteLength !== expected) {
    throw new Error(`${weightsFile}: ${weights.byteLength} bytes, but ${MODEL_JSON} describes ${expected} (truncated or mismatched)`);
  }
  let model: tf.LayersModel;
  try {
    const wd = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: mj.modelTopology as object, weightSpecs: specs, weightData: wd }));
  } catch (err) {
    throw new Error(`${modelFile}: cannot build the model (${(err as Error).message})`);
  }
  try {
    const inShape = model.inputs[0]?.shape;
    const want = [null, BOARD, BOARD, meta.architecture.planes];
    if (model.inputs.length !== 1 || JSON.stringify(inShape) !== JSON.stringify(want)) {
      throw new Error(`${modelFile}: input "${INPUT_NAME}" has shape ${JSON.stringify(inShape)}, but ${TENGEN_JSON} says ${JSON.stringify(want)}`);
    }
    let params: Float32Array[];
    try {
      params = getParams(model, meta.architecture);
    } catch (err) {
      throw new Error(`${modelFile} does not match ${TENGEN_JSON} field "architecture": ${(err as Error).message}`);
    }
    if (params.length !== model.getWeights().length) {
      throw new Error(`${modelFile} has ${model.getWeights().length} weights, ${TENGEN_JSON} architecture implies ${params.length}`);
    }
    for (let i = 0; i < params.length; i++) {
      for (const v of params[i]) {
        if (!Number.isFinite(v)) throw new Error(`${weightsFile}: weight array ${i} contains ${v}`);
      }
    }
    return { model, meta, params, dir: real };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

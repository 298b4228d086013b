// `tengen eval --record`: writes an evaluation's figures into the model's tengen.json, so a shipped model carries
// its dev accuracy on the large fixed sample (the trainer's `metrics` are only its small validation sample).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TENGEN_JSON, WEIGHTS_BIN, weightsDigest } from './io.js';
import { sameEvaluation, validateMetadata, type EvaluationRecord } from './metadata.js';

/**
 * Adds `record` to `dir/tengen.json` (replacing the entry with the same data, split, seed, size and symmetries),
 * written via a temp file + rename. Refuses when weights.bin no longer hashes to `weightsSha256`, i.e. the model
 * changed on disk while it was being evaluated. Returns the number of recorded evaluations.
 */
export async function recordEvaluation(dir: string, record: EvaluationRecord, weightsSha256: string): Promise<number> {
  const now = await weightsDigest(dir);
  if (now !== weightsSha256) {
    throw new Error(`${path.join(dir, WEIGHTS_BIN)}: changed during the evaluation (sha256 ${now}…, evaluated ${weightsSha256}…); nothing recorded`);
  }
  const file = path.join(dir, TENGEN_JSON);
  const raw = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  const meta = validateMetadata(raw, file);
  const evaluations = (meta.evaluations ?? []).filter((e) => !sameEvaluation(e, record));
  evaluations.push(record);
  // Keep every other field of the file as written (validateMetadata's copy would drop unknown future fields).
  const next = { ...raw, evaluations };
  validateMetadata(JSON.parse(JSON.stringify(next)), `${file} (being written)`);
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
  await fs.rename(tmp, file);
  return evaluations.length;
}

// tengen.json: what makes a saved model self-describing (architecture, feature set, provenance, metrics).
import { validateArchConfig, type ArchConfig, type FeatureSetId } from './config.js';

export const TENGEN_FORMAT = 'tengen-model';
export const TENGEN_FORMAT_VERSION = 1;

export interface ModelMetadata {
  format: typeof TENGEN_FORMAT;
  formatVersion: number;
  architecture: ArchConfig;
  featureSet: FeatureSetId;
  /** Hash of the training data manifest (null for synthetic data or an untrained model). */
  dataManifestHash: string | null;
  steps: number;
  positionsSeen: number;
  /** Latest validation metrics, e.g. { top1, top5, loss }. */
  metrics: Record<string, number>;
  backend: string;
  /** ISO-8601 time the model was written. */
  date: string;
  /** Training wall-clock time in seconds. */
  wallClockSeconds: number;
}

/** Validates parsed tengen.json contents; throws an Error naming `file` and the first bad field. */
export function validateMetadata(raw: unknown, file = 'tengen.json'): ModelMetadata {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object`);
  const r = raw as Record<string, unknown>;
  const bad = (field: string, want: string): never => {
    throw new Error(`${file}: field "${field}" ${r[field] === undefined ? 'is missing' : `must be ${want}, got ${JSON.stringify(r[field])}`}`);
  };
  if (r.format !== TENGEN_FORMAT) bad('format', JSON.stringify(TENGEN_FORMAT));
  if (r.formatVersion !== TENGEN_FORMAT_VERSION) {
    if (typeof r.formatVersion === 'number') throw new Error(`${file}: formatVersion ${r.formatVersion} is not supported (this build reads ${TENGEN_FORMAT_VERSION})`);
    bad('formatVersion', String(TENGEN_FORMAT_VERSION));
  }
  if (r.architecture === undefined) bad('architecture', 'an object');
  const architecture = validateArchConfig(r.architecture, `${file}: architecture`);
  const fsRaw = r.featureSet as Record<string, unknown> | undefined;
  if (typeof fsRaw !== 'object' || fsRaw === null) bad('featureSet', 'an object {name, version, planes}');
  const fset = fsRaw as Record<string, unknown>;
  if (typeof fset.name !== 'string' || fset.name === '') throw new Error(`${file}: field "featureSet.name" must be a non-empty string, got ${JSON.stringify(fset.name)}`);
  if (!Number.isInteger(fset.version)) throw new Error(`${file}: field "featureSet.version" must be an integer, got ${JSON.stringify(fset.version)}`);
  if (!Number.isInteger(fset.planes) || (fset.planes as number) <= 0) throw new Error(`${file}: field "featureSet.planes" must be a positive integer, got ${JSON.stringify(fset.planes)}`);
  if (fset.planes !== architecture.planes) {
    throw new Error(`${file}: featureSet.planes (${fset.planes}) does not match architecture.planes (${architecture.planes})`);
  }
  if (r.dataManifestHash !== null && typeof r.dataManifestHash !== 'string') bad('dataManifestHash', 'a string or null');
  for (const f of ['steps', 'positionsSeen']) if (!Number.isInteger(r[f]) || (r[f] as number) < 0) bad(f, 'a non-negative integer');
  if (typeof r.wallClockSeconds !== 'number' || !(r.wallClockSeconds >= 0)) bad('wallClockSeconds', 'a non-negative number');
  if (typeof r.backend !== 'string') bad('backend', 'a string');
  if (typeof r.date !== 'string' || Number.isNaN(Date.parse(r.date))) bad('date', 'an ISO-8601 date string');
  if (typeof r.metrics !== 'object' || r.metrics === null || Array.isArray(r.metrics)) bad('metrics', 'an object of numbers');
  for (const [k, v] of Object.entries(r.metrics as object)) {
    if (typeof v !== 'number') throw new Error(`${file}: field "metrics.${k}" must be a number, got ${JSON.stringify(v)}`);
  }
  return {
    format: TENGEN_FORMAT,
    formatVersion: TENGEN_FORMAT_VERSION,
    architecture,
    featureSet: { name: fset.name as string, version: fset.version as number, planes: fset.planes as number },
    dataManifestHash: r.dataManifestHash as string | null,
    steps: r.steps as number,
    positionsSeen: r.positionsSeen as number,
    metrics: { ...(r.metrics as Record<string, number>) },
    backend: r.backend as string,
    date: r.date as string,
    wallClockSeconds: r.wallClockSeconds as number,
  };
}

// tengen.json's valueCalibration (`tengen model calibrate-value`): read back as written; a malformed one, or one on a
// model without a value head, is refused with the file and field named.
import { describe, expect, it } from 'vitest';
import { validateMetadata } from '../../src/model/metadata.js';

const ARCH = { depth: 2, width: 8, block: 'plain', planes: 9, valueHead: { channels: 4, hidden: 8 } };
const base = {
  format: 'tengen-model',
  formatVersion: 1,
  architecture: ARCH,
  featureSet: { name: 'basic', version: 1, planes: 9 },
  dataManifestHash: null,
  steps: 1,
  positionsSeen: 1,
  metrics: {},
  backend: 'cpu',
  date: '2026-12-03T00:00:00Z',
  wallClockSeconds: 1,
};
const good = { scale: 1.25, data: 'abc123', split: 'val', seed: 1, positions: 31000, logLossBefore: 0.58, logLossAfter: 0.57, date: '2026-12-04T00:00:00Z' };

describe('valueCalibration in tengen.json', () => {
  it('is read back as written, and absent when not written', () => {
    expect(validateMetadata({ ...base, valueCalibration: good }).valueCalibration).toEqual(good);
    expect(validateMetadata(base)).not.toHaveProperty('valueCalibration');
  });

  it('a bad or missing field is refused naming the file and the field', () => {
    const bad = (v: unknown) => () => validateMetadata({ ...base, valueCalibration: v }, 'm/tengen.json');
    expect(bad({ ...good, scale: -1.2 })).toThrow(/m\/tengen\.json: field "valueCalibration": "scale" must be a positive number, got -1\.2/);
    expect(bad({ ...good, scale: 0 })).toThrow(/"scale" must be a positive number/);
    const { data: _data, ...noData } = good;
    expect(bad(noData)).toThrow(/m\/tengen\.json: field "valueCalibration": "data" is missing/);
    const { logLossAfter: _after, ...noAfter } = good;
    expect(bad(noAfter)).toThrow(/"logLossAfter" is missing/);
    expect(bad({ ...good, positions: 0 })).toThrow(/"positions" must be a positive integer/);
    expect(bad({ ...good, seed: 1.5 })).toThrow(/"seed" must be a non-negative integer/);
    expect(bad({ ...good, date: 'yesterday' })).toThrow(/"date" must be an ISO-8601 date string/);
    expect(bad(2)).toThrow(/field "valueCalibration" must be an object, got 2/);
  });

  it('is refused on a model without a value head', () => {
    const { valueHead: _v, ...policyOnly } = ARCH;
    expect(() => validateMetadata({ ...base, architecture: policyOnly, valueCalibration: good }, 'p/tengen.json')).toThrow(
      /p\/tengen\.json: field "valueCalibration" on a model without a value head/,
    );
  });
});

// Public API of the SGF layer: parse (text, bytes, .sgf.gz, any charset), write, walk, and extract GameRecords.
export type { SgfNode, ParseOptions } from './types.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_NODES } from './types.js';
export { SgfError, lineColumnAt, type SgfErrorCode } from './errors.js';
export { parseSgf, parseSgfGame, type ParseResult } from './parse.js';
export { readSgfFile, readSgfFileSync } from './file.js';
export { writeSgf, escapeSgfValue } from './writer.js';
export { mainLine, variationLine, walkTree, countNodes, treesEqual } from './tree.js';
export { decodeSgfBytes, charsetToEncoding, findDeclaredCharset, type DecodedSgf } from './charset.js';
export { isGzip, gunzipLimited } from './gzip.js';
export { normaliseKomi } from './komi.js';
export { expandPointList } from './points.js';
export { toGameRecord, recordToSgf, GameRecordError, type GameRecord, type SetupStones } from './record.js';
export type { GameRecordErrorCode } from './record-error.js';

/**
 * Character sets of SGF files.
 *
 * Strategy (decode first, then parse): the `CA[]` value is found by a small byte-level pre-scan of the
 * first game's root node (labels are ASCII), then the whole buffer is decoded with `TextDecoder` and
 * the scanner runs on the text. Parsing the bytes and decoding only the values would be faster, but it
 * is wrong for double-byte charsets: trail bytes of GBK, Big5 and Shift_JIS characters can be 0x5C `\`
 * or 0x5D `]` (e.g. Shift_JIS ソ = 83 5C), which a byte scanner would take for an escape or the end of
 * a value. Decoding first also gives line:column in characters, as an editor shows them.
 *
 * One charset per file: the first `CA[]` found decides for the whole collection (mixed-charset
 * collections do not occur in practice; SGF editors write one CA per file).
 */
import { SgfError } from './errors.js';

/** How the bytes were turned into text. */
export interface DecodedSgf {
  text: string;
  /** The `TextDecoder` encoding actually used, e.g. 'utf-8', 'gbk', 'gb18030', 'shift_jis'. */
  encoding: string;
  /** The first `CA[]` value of the file, as written (null when absent). */
  declared: string | null;
  /** True when invalid byte sequences were replaced by U+FFFD (declared UTF-8 with a cut character). */
  lossy: boolean;
}

// Common spellings that are not WHATWG labels.
const ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'utf-8-sig': 'utf-8',
  cp936: 'gbk',
  'windows-936': 'gbk',
  cp949: 'euc-kr',
  uhc: 'euc-kr',
  cp950: 'big5',
  big5hkscs: 'big5',
  cp932: 'shift_jis',
  'windows-31j': 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  'iso8859-1': 'iso-8859-1',
  iso88591: 'iso-8859-1',
  'iso_8859_1': 'iso-8859-1',
};

// Tried in this order when the declared charset is absent or does not fit the bytes: most
// non-UTF-8 Go records come from Chinese, then Taiwanese, Japanese and Korean servers.
const FALLBACKS = ['gb18030', 'big5', 'shift_jis', 'euc-kr'];

/** The canonical `TextDecoder` encoding name for an SGF `CA[]` value, or null if Node does not know it. */
export function charsetToEncoding(label: string): string | null {
  const key = label.trim().toLowerCase();
  if (key === '') return null;
  try {
    return new TextDecoder(ALIASES[key] ?? key).encoding;
  } catch {
    return null;
  }
}

const isWs = (b: number): boolean => b <= 32;
const isUpper = (b: number): boolean => b >= 65 && b <= 90;

/** The first `CA[]` value of the first game's root node, read from raw bytes (null when absent). */
export function findDeclaredCharset(bytes: Uint8Array): string | null {
  const n = bytes.length;
  let i = 0;
  // Find the root node: '(' ws* ';'
  for (;;) {
    while (i < n && bytes[i] !== 40) i++;
    if (i >= n) return null;
    let j = i + 1;
    while (j < n && isWs(bytes[j]!)) j++;
    if (j < n && bytes[j] === 59) {
      i = j + 1;
      break;
    }
    i++;
  }
  // Walk the root's properties until the next node or variation.
  let ident = '';
  // A backslash right after a non-ASCII byte may be the trail byte of a double-byte character.
  let derailed = false;
  while (i < n) {
    const b = bytes[i]!;
    if (b === 91) {
      const start = ++i;
      while (i < n && bytes[i] !== 93) {
        if (bytes[i] === 92 && bytes[i - 1]! >= 0x80) derailed = true;
        i += bytes[i] === 92 ? 2 : 1;
      }
      if (ident === 'CA') return latin1(bytes, start, Math.min(i, n));
      i++;
    } else if (b === 59 || b === 40 || b === 41) break;
    else if (isUpper(b) || (b >= 97 && b <= 122)) {
      ident = '';
      for (; i < n && (isUpper(bytes[i]!) || (bytes[i]! >= 97 && bytes[i]! <= 122)); i++) {
        if (isUpper(bytes[i]!)) ident += String.fromCharCode(bytes[i]!);
      }
    } else {
      if (!isWs(b)) ident = '';
      i++;
    }
  }
  // The structural walk can be derailed by a double-byte character ending in 0x5C before CA;
  // then fall back to a plain search in the file head.
  if (!derailed) return null;
  const head = Math.min(n, 8192);
  for (let k = 0; k + 3 <= head; k++) {
    if (bytes[k] === 67 && bytes[k + 1] === 65 && bytes[k + 2] === 91 && (k === 0 || !isUpper(bytes[k - 1]!))) {
      let e = k + 3;
      while (e < n && bytes[e] !== 93 && e - k < 64) e++;
      return latin1(bytes, k + 3, e);
    }
  }
  return null;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(bytes[k]!);
  return s;
}

function tryDecode(bytes: Uint8Array, encoding: string): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Counts well-formed multi-byte UTF-8 sequences and malformed ones (a malformed run counts once). */
function utf8Stats(bytes: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = len > 0 && i + len <= n;
    for (let k = 1; ok && k < len; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
    if (ok) {
      valid++;
      i += len;
    } else {
      invalid++;
      i++;
      while (i < n && (bytes[i]! & 0xc0) === 0x80) i++;
    }
  }
  return { valid, invalid };
}

/**
 * Decodes SGF bytes to text: `forced` encoding if given, else the declared `CA[]` if the bytes are
 * valid in it, else valid UTF-8, else UTF-8 with replacement when the file is mostly UTF-8 (an
 * exporter cut a character), else the first of GB18030, Big5, Shift_JIS, EUC-KR that decodes
 * without error, else windows-1252 (never fails). Throws SgfError only for an unknown forced label.
 */
export function decodeSgfBytes(bytes: Uint8Array, forced?: string): DecodedSgf {
  const declared = findDeclaredCharset(bytes);
  if (forced !== undefined) {
    const enc = charsetToEncoding(forced);
    if (enc === null) throw new SgfError(`unknown encoding '${forced}' (option encoding)`, 'input', 0, 0, -1, 0);
    return { text: new TextDecoder(enc).decode(bytes), encoding: enc, declared, lossy: false };
  }
  const declaredEnc = declared === null ? null : charsetToEncoding(declared);
  if (declaredEnc !== null && declaredEnc !== 'utf-8') {
    const text = tryDecode(bytes, declaredEnc);
    if (text !== null) return { text, encoding: declaredEnc, declared, lossy: false };
  }
  const utf8 = tryDecode(bytes, 'utf-8');
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8', declared, lossy: false };
  const { valid, invalid } = utf8Stats(bytes);
  if (valid >= invalid) {
    return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8', declared, lossy: true };
  }
  for (const enc of FALLBACKS) {
    if (enc === declaredEnc) continue;
    const text = tryDecode(bytes, enc);
    if (text !== null) return { text, encoding: enc, declared, lossy: false };
  }
  return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252', declared, lossy: false };
}

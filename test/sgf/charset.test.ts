import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { charsetToEncoding, decodeSgfBytes, findDeclaredCharset, parseSgf, readSgfFileSync } from '../../src/sgf/index.js';
import { tricky } from './paths.js';

const root = (file: string) => {
  const r = readSgfFileSync(tricky(file));
  expect(r.errors).toEqual([]);
  return { props: r.games[0]!.props, encoding: r.encoding, lossy: r.lossy };
};

describe('character sets', () => {
  it.each([
    ['gb2312.sgf', 'gbk', '柯洁', '古力'],
    ['big5.sgf', 'big5', '許皓鋐', '王元均'],
    ['euc-kr.sgf', 'euc-kr', '이세돌', '박정환'],
    ['latin1.sgf', 'windows-1252', 'Frédéric', 'Jörg'],
    ['ca-twice.sgf', 'utf-8', '李昌镐', undefined],
  ])('%s decodes by CA[] with %s', (file, enc, pb, pw) => {
    const r = root(file);
    expect(r.encoding).toBe(enc);
    expect(r.props.PB).toEqual([pb]);
    expect(r.props.PW?.[0]).toBe(pw);
  });

  it('Shift_JIS: trail byte 0x5C is not an escape, because the text is decoded before scanning', () => {
    const raw = readFileSync(tricky('shift_jis.sgf'));
    expect(raw.includes(Buffer.from([0x83, 0x5c, 0x5d]))).toBe(true); // ソ followed by ]
    const r = root('shift_jis.sgf');
    expect(r.encoding).toBe('shift_jis');
    expect(r.props.PW).toEqual(['ソ表']);
    expect(r.props.C).toEqual(['ソ']);
    expect(r.props.PB).toEqual(['井山裕太']);
  });

  it('finds CA even after a value whose double-byte character ends in 0x5C', () => {
    const r = root('shift_jis-ca-late.sgf');
    expect(r.encoding).toBe('shift_jis');
    expect(r.props.PW).toEqual(['ソ']);
  });

  it('detects GBK text without CA, and when CA[UTF-8] is wrong', () => {
    for (const f of ['gbk-no-ca.sgf', 'gbk-declared-utf8.sgf']) {
      const r = root(f);
      expect(r.encoding).toBe('gb18030');
      expect(r.props.PB).toEqual(['聂卫平']);
      expect(r.props.C).toEqual(['白棋中盘胜，这是一盘精彩的对局']);
    }
  });

  it('keeps UTF-8 with a character cut in half, replacing only the broken bytes', () => {
    const r = root('cut-utf8.sgf');
    expect(r.encoding).toBe('utf-8');
    expect(r.lossy).toBe(true);
    expect(r.props.PB).toEqual(['东方明\ufffd']);
    expect(r.props.PW).toEqual(['骊龙']);
  });

  it('maps CA labels, including non-WHATWG spellings, and rejects unknown ones', () => {
    expect(charsetToEncoding('UTF8')).toBe('utf-8');
    expect(charsetToEncoding(' gb2312 ')).toBe('gbk');
    expect(charsetToEncoding('GB18030')).toBe('gb18030');
    expect(charsetToEncoding('SJIS')).toBe('shift_jis');
    expect(charsetToEncoding('cp949')).toBe('euc-kr');
    expect(charsetToEncoding('klingon')).toBeNull();
    expect(charsetToEncoding('')).toBeNull();
  });

  it('reads CA only from the root node, not from a comment elsewhere', () => {
    const b = new TextEncoder().encode('(;FF[4]C[say CA[GBK\\] here];CA[Big5])');
    expect(findDeclaredCharset(b)).toBeNull();
    expect(findDeclaredCharset(new TextEncoder().encode('(;FF[4]CA [ Big5 ];B[aa])'))).toBe(' Big5 ');
  });

  it('an unknown declared charset falls back to detection; a forced encoding wins', () => {
    const bytes = new TextEncoder().encode('(;CA[klingon]PB[é])');
    expect(parseSgf(bytes).encoding).toBe('utf-8');
    const latin = Uint8Array.from([40, 59, 80, 66, 91, 0xe9, 93, 41]); // (;PB[é]) in latin1
    expect(parseSgf(latin, { encoding: 'latin1' }).games[0]!.props.PB).toEqual(['é']);
    expect(() => decodeSgfBytes(latin, 'nope')).toThrow(/unknown encoding 'nope'/);
  });

  it('never fails to decode: invalid in every multi-byte charset falls back to windows-1252', () => {
    // FD 20 is invalid in UTF-8, GB18030, Big5, Shift_JIS and EUC-KR alike
    const bytes = Uint8Array.from([40, 59, 67, 91, 0xfd, 0x20, 93, 41]);
    const r = parseSgf(bytes);
    expect(r.encoding).toBe('windows-1252');
    expect(r.games[0]!.props.C).toEqual(['ý ']);
  });
});

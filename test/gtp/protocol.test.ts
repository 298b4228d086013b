import { describe, expect, it } from 'vitest';
import { formatResponse, leadingId, parseCommandLine } from '../../src/gtp/protocol.js';
import { LineSplitter } from '../../src/gtp/serve.js';

describe('parseCommandLine (spec 3.1 preprocessing)', () => {
  it('reads id, lower-cases the name and keeps the arguments as given', () => {
    expect(parseCommandLine('12 Play B q16')).toEqual({ id: 12, name: 'play', args: ['B', 'q16'] });
    expect(parseCommandLine('genmove w')).toEqual({ id: null, name: 'genmove', args: ['w'] });
  });

  it('drops comments, control characters and CR, turns tabs into separators', () => {
    expect(parseCommandLine('\t\x01gen\x7fmove\tw  # think hard\r')).toEqual({ id: null, name: 'genmove', args: ['w'] });
    expect(parseCommandLine('3\tkomi\t6.5\r')).toEqual({ id: 3, name: 'komi', args: ['6.5'] });
  });

  it('ignores empty, blank and comment-only lines', () => {
    for (const l of ['', '   ', '\t', '# just a comment', '  # indented comment', '\r', '\x00\x01']) expect(parseCommandLine(l)).toBeNull();
  });

  it('keeps an id without a command so the error can echo it', () => {
    expect(parseCommandLine('7')).toEqual({ id: 7, name: '', args: [] });
    expect(parseCommandLine('7 # no command')).toEqual({ id: 7, name: '', args: [] });
  });

  it('treats a non-numeric first token as the command name', () => {
    expect(parseCommandLine('-3 name')).toEqual({ id: null, name: '-3', args: ['name'] });
    expect(parseCommandLine('1.5 name')).toEqual({ id: null, name: '1.5', args: ['name'] });
  });
});

describe('formatResponse (spec 2.3 framing)', () => {
  it('frames success and failure with and without id', () => {
    expect(formatResponse(true, 5, 'D4')).toBe('=5 D4\n\n');
    expect(formatResponse(true, null, 'D4')).toBe('= D4\n\n');
    expect(formatResponse(false, null, 'unknown command')).toBe('? unknown command\n\n');
    expect(formatResponse(false, 9, 'illegal move')).toBe('?9 illegal move\n\n');
    // GnuGo, Leela Zero and KataGo keep the space after the status even with no text; strict parsers expect it.
    expect(formatResponse(true, null, '')).toBe('= \n\n');
    expect(formatResponse(true, 0, '')).toBe('=0 \n\n');
  });

  it('never lets an inner empty line end a multi-line response early', () => {
    expect(formatResponse(true, 1, 'a\n\nb\n')).toBe('=1 a\n \nb\n\n');
    expect(formatResponse(true, null, '\nrow1\nrow2')).toBe('= \nrow1\nrow2\n\n');
  });

  it('keeps responses ASCII', () => {
    expect(formatResponse(false, null, 'not on the 19×19 board')).toBe('? not on the 19x19 board\n\n');
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and flushes the last line at end', () => {
    const s = new LineSplitter(100);
    const out: unknown[] = [];
    s.push(Buffer.from('na'), (l) => out.push(l));
    s.push(Buffer.from('me\nplay b'), (l) => out.push(l));
    s.push(Buffer.from(' D4\n\nquit'), (l) => out.push(l));
    s.end((l) => out.push(l));
    expect(out).toEqual(['name', 'play b D4', '', 'quit']);
  });

  it('replaces an over-long line by a marker holding its start and recovers on the next line', () => {
    const s = new LineSplitter(10);
    const out: unknown[] = [];
    s.push(Buffer.from('212 xxxx'), (l) => out.push(l));
    s.push(Buffer.from('x'.repeat(8) + '\nname\n'), (l) => out.push(l));
    expect(out.length).toBe(2);
    expect(out[0]).toEqual({ tooLong: true, start: '212 xxxxxxxxxxxx' });
    expect(out[1]).toBe('name');
  });

  it('reads the id of an over-long line from its start', () => {
    expect(leadingId('212 play b ' + 'x'.repeat(40))).toBe(212);
    expect(leadingId('  7 genm')).toBe(7);
    expect(leadingId('play b ' + '1'.repeat(40))).toBe(null);
    expect(leadingId('1'.repeat(64))).toBe(null); // a number cut at the limit is no id
  });
});

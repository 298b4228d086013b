/**
 * Plain data model of an SGF game tree. A node's `props` maps an upper-case property
 * identifier to its raw (unescaped, otherwise untouched) values; `children[0]` is the
 * main line, further children are variations. No ids, no parent links: the tree is
 * plain JSON-compatible data so it can be cloned, compared and sent over the wire.
 */
export interface SgfNode {
  props: Record<string, string[]>;
  children: SgfNode[];
}

/** Limits and switches for `parseSgf`. */
export interface ParseOptions {
  /** Reject inputs larger than this many bytes (after gunzip; for strings: UTF-16 code units). Default 64 MiB. */
  maxBytes?: number;
  /** Abort the whole parse once this many nodes were created (all games together). Default 4,000,000. */
  maxNodes?: number;
  /** Force a character set for byte input, ignoring `CA[]` and detection (any `TextDecoder` label). */
  encoding?: string;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_NODES = 4_000_000;

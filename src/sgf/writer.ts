import type { SgfNode } from './types.js';

/** Escapes a raw value for writing between brackets: `\` → `\\`, `]` → `\]`; everything else verbatim. */
export function escapeSgfValue(value: string): string {
  if (value.indexOf('\\') < 0 && value.indexOf(']') < 0) return value;
  return value.replace(/[\\\]]/g, '\\$&');
}

function isPropIdent(id: string): boolean {
  if (id.length === 0) return false;
  for (let k = 0; k < id.length; k++) {
    const c = id.charCodeAt(k);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

function writeNode(node: SgfNode, out: string[]): void {
  out.push(';');
  const props = node.props;
  for (const id in props) {
    const values = props[id]!;
    if (!isPropIdent(id)) throw new Error(`writeSgf: property name '${id}' is not upper-case letters A-Z only`);
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`writeSgf: property ${id} has no values (SGF needs at least one, use [''] for an empty value)`);
    }
    out.push(id);
    for (const v of values) {
      if (typeof v !== 'string') throw new Error(`writeSgf: property ${id} has a non-string value ${String(v)}`);
      out.push('[', escapeSgfValue(v), ']');
    }
  }
}

/**
 * Writes one game tree or a collection as SGF text such that `parseSgf(writeSgf(x)).games`
 * deep-equals the input. Iterative (explicit stack), so any depth is fine. Throws Error for
 * property names that are not A-Z or properties without values.
 */
export function writeSgf(games: SgfNode | SgfNode[]): string {
  const roots = Array.isArray(games) ? games : [games];
  const out: string[] = [];
  // Fork frames: a node with 2+ children and the index of the child being written.
  const forkNodes: SgfNode[] = [];
  const forkNext: number[] = [];
  for (let g = 0; g < roots.length; g++) {
    if (g > 0) out.push('\n');
    out.push('(');
    let cur: SgfNode = roots[g]!;
    let first = true;
    for (;;) {
      // Write the sequence down to a leaf or a fork.
      for (;;) {
        writeNode(cur, out);
        if (first) {
          if (cur.children.length > 0) out.push('\n'); // root properties on their own line, as editors do
          first = false;
        }
        if (cur.children.length !== 1) break;
        cur = cur.children[0]!;
      }
      if (cur.children.length > 1) {
        forkNodes.push(cur);
        forkNext.push(0);
        out.push('\n(');
        cur = cur.children[0]!;
        continue;
      }
      out.push(')'); // leaf closes its own '('
      let next: SgfNode | null = null;
      while (forkNodes.length > 0) {
        const top = forkNodes.length - 1;
        const k = ++forkNext[top]!;
        if (k < forkNodes[top]!.children.length) {
          next = forkNodes[top]!.children[k]!;
          out.push('\n(');
          break;
        }
        forkNodes.pop();
        forkNext.pop();
        out.push(')'); // all variations done: close the tree holding the fork
      }
      if (next === null) break;
      cur = next;
    }
  }
  out.push('\n');
  return out.join('');
}

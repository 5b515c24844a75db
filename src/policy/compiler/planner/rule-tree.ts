import type { RuleGroup, Term } from '../ast/index.js';
import type { Const } from '../ir/types.js';

/** The rule groups arranged by data path, to resolve `data.a.b...` refs to rules or base data. */
export interface TreeNode {
  path: string[];
  children: Map<string, TreeNode>;
  group?: RuleGroup;
  /** The key as written in rule heads (`p[0]` has the number 0, not the string "0"). */
  key: Const;
}

/** `packages` adds nodes for packages without rules: their document is an empty object, as in OPA. */
export function buildRuleTree(groups: Iterable<RuleGroup>, packages: string[][] = []): TreeNode {
  const root: TreeNode = { path: [], children: new Map(), key: { type: 'string', value: '' } };
  for (const path of packages) nodeAt(root, path, []);
  for (const group of groups) {
    const headTerms = group.rules[0]?.head.ref.terms.slice(1) ?? group.default?.head.ref.terms.slice(1) ?? [];
    nodeAt(root, group.path, headTerms).group = group;
  }
  return root;
}

function keyConst(seg: string, t: Term | undefined): Const {
  if (t?.type === 'number') return { type: 'number', text: t.text };
  if (t?.type === 'boolean') return { type: 'boolean', value: t.value };
  if (t?.type === 'null') return { type: 'null' };
  return { type: 'string', value: seg };
}

/** Tree keys: strings by their value, other scalars by a tagged text so `p[0]` and `p["0"]` differ. */
export function constKey(c: Const): string {
  switch (c.type) {
    case 'string': return c.value;
    case 'number': return `\u0000n:${Number(c.text)}`;
    case 'boolean': return `\u0000b:${c.value}`;
    case 'null': return '\u0000null';
  }
}

function nodeAt(root: TreeNode, path: string[], headTerms: Term[]): TreeNode {
  let node = root;
  for (const [i, seg] of path.entries()) {
    const key = keyConst(seg, headTerms[i]);
    const name = constKey(key);
    let child = node.children.get(name);
    if (!child) {
      child = { path: [...node.path, seg], children: new Map(), key };
      node.children.set(name, child);
    }
    node = child;
  }
  return node;
}

export function findNode(root: TreeNode, path: string[]): TreeNode | undefined {
  let node: TreeNode | undefined = root;
  for (const seg of path) {
    node = node?.children.get(seg);
    if (!node) return undefined;
  }
  return node;
}

/** True when one path is a prefix of the other. */
export function pathsOverlap(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

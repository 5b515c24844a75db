import type { RuleGroup } from '../ast/index.js';

/** The rule groups arranged by data path, to resolve `data.a.b...` refs to rules or base data. */
export interface TreeNode {
  path: string[];
  children: Map<string, TreeNode>;
  group?: RuleGroup;
}

/** `packages` adds nodes for packages without rules: their document is an empty object, as in OPA. */
export function buildRuleTree(groups: Iterable<RuleGroup>, packages: string[][] = []): TreeNode {
  const root: TreeNode = { path: [], children: new Map() };
  for (const path of packages) nodeAt(root, path);
  for (const group of groups) nodeAt(root, group.path).group = group;
  return root;
}

function nodeAt(root: TreeNode, path: string[]): TreeNode {
  let node = root;
  for (const seg of path) {
    let child = node.children.get(seg);
    if (!child) {
      child = { path: [...node.path, seg], children: new Map() };
      node.children.set(seg, child);
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

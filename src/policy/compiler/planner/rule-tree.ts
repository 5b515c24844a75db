import type { RuleGroup } from '../ast/index.js';

/** The rule groups arranged by data path, to resolve `data.a.b...` refs to rules or base data. */
export interface TreeNode {
  path: string[];
  children: Map<string, TreeNode>;
  group?: RuleGroup;
}

export function buildRuleTree(groups: Iterable<RuleGroup>): TreeNode {
  const root: TreeNode = { path: [], children: new Map() };
  for (const group of groups) {
    let node = root;
    for (const seg of group.path) {
      let child = node.children.get(seg);
      if (!child) {
        child = { path: [...node.path, seg], children: new Map() };
        node.children.set(seg, child);
      }
      node = child;
    }
    node.group = group;
  }
  return root;
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

/**
 * Go's policiesValid (verify.go, Go 1.24+): the certificate policy graph of RFC 5280 as updated by
 * RFC 9618, run as OPA runs it (no initial policy set, so anyPolicy; nothing inhibited by the
 * caller). A chain fails when an explicit policy is required and no valid policy is left, or when a
 * mapping to or from anyPolicy appears while mapping is allowed. Policies are keyed by their dotted
 * text, which is one-to-one with their DER for the valid OIDs the parser keeps.
 */
import type { Certificate } from './certificate.js';

const ANY_POLICY = '2.5.29.32.0';

interface PolicyNode {
  valid: string;
  expected: string[];
  parents: Set<PolicyNode>;
  children: Set<PolicyNode>;
}

function newNode(valid: string, parents: PolicyNode[]): PolicyNode {
  const n: PolicyNode = { valid, expected: [valid], parents: new Set(), children: new Set() };
  for (const p of parents) {
    p.children.add(n);
    n.parents.add(p);
  }
  return n;
}

class PolicyGraph {
  private readonly strata: Map<string, PolicyNode>[] = [new Map([[ANY_POLICY, newNode(ANY_POLICY, [])]])];
  private parentIndex = new Map<string, PolicyNode[]>();
  private depth = 0;

  insert(n: PolicyNode): void {
    this.strata[this.depth]!.set(n.valid, n);
  }

  parentsWithExpected(expected: string): PolicyNode[] {
    return this.depth === 0 ? [] : this.parentIndex.get(expected) ?? [];
  }

  parentWithAnyPolicy(): PolicyNode | undefined {
    return this.depth === 0 ? undefined : this.strata[this.depth - 1]!.get(ANY_POLICY);
  }

  parents(): PolicyNode[] {
    return this.depth === 0 ? [] : [...this.strata[this.depth - 1]!.values()];
  }

  leaves(): Map<string, PolicyNode> {
    return this.strata[this.depth]!;
  }

  leafWithPolicy(policy: string): PolicyNode | undefined {
    return this.strata[this.depth]!.get(policy);
  }

  deleteLeaf(policy: string): void {
    const n = this.strata[this.depth]!.get(policy);
    if (n === undefined) return;
    for (const p of n.parents) p.children.delete(n);
    for (const c of n.children) c.parents.delete(n);
    this.strata[this.depth]!.delete(policy);
  }

  validPolicyNodes(): PolicyNode[] {
    const out: PolicyNode[] = [];
    for (let i = this.depth; i >= 0; i--) {
      for (const n of this.strata[i]!.values()) {
        if (n.valid === ANY_POLICY || n.parents.size !== 1) continue;
        const [p] = n.parents;
        if (p!.valid === ANY_POLICY) out.push(n);
      }
    }
    return out;
  }

  prune(): void {
    for (let i = this.depth - 1; i > 0; i--) {
      for (const n of [...this.strata[i]!.values()]) {
        if (n.children.size > 0) continue;
        for (const p of n.parents) p.children.delete(n);
        this.strata[i]!.delete(n.valid);
      }
    }
  }

  incrDepth(): void {
    this.parentIndex = new Map();
    for (const n of this.strata[this.depth]!.values()) {
      for (const e of n.expected) this.parentIndex.set(e, [...(this.parentIndex.get(e) ?? []), n]);
    }
    this.depth++;
    this.strata.push(new Map());
  }
}

const set = (value: number, zero: boolean): boolean => value > 0 || zero;

/** policiesValid for a chain leaf first, root last. */
export function policiesValid(chain: Certificate[]): boolean {
  if (chain.length === 1) return true;
  const n = chain.length - 1;
  let pg: PolicyGraph | null = new PolicyGraph();
  let inhibitAnyPolicy = n + 1;
  let explicitPolicy = n + 1;
  let policyMapping = n + 1;

  for (let i = n - 1; i >= 0; i--) {
    const cert = chain[i]!;
    const f = cert.fields;
    const isSelfSigned = cert.rawIssuer.equals(cert.rawSubject);
    if (f.Policies === null) pg = null;
    if (explicitPolicy === 0 && pg === null) return false;

    if (pg !== null) {
      pg.incrDepth();
      const policies = new Set<string>();
      for (const policy of f.Policies ?? []) {
        policies.add(policy);
        if (policy === ANY_POLICY) continue;
        let parents = pg.parentsWithExpected(policy);
        if (parents.length === 0) {
          const anyParent = pg.parentWithAnyPolicy();
          if (anyParent !== undefined) parents = [anyParent];
        }
        if (parents.length > 0) pg.insert(newNode(policy, parents));
      }
      if (policies.has(ANY_POLICY) && (inhibitAnyPolicy > 0 || (n - i < n && isSelfSigned))) {
        const missing = new Map<string, PolicyNode[]>();
        const leaves = pg.leaves();
        for (const p of pg.parents()) {
          for (const e of p.expected) if (!leaves.has(e)) missing.set(e, [...(missing.get(e) ?? []), p]);
        }
        for (const [oid, parents] of missing) pg.insert(newNode(oid, parents));
      }
      pg.prune();

      if (i !== 0 && f.PolicyMappings !== null) {
        const mappings = new Map<string, string[]>();
        for (const m of f.PolicyMappings) {
          const issuer = m.IssuerDomainPolicy as string;
          const subject = m.SubjectDomainPolicy as string;
          if (policyMapping > 0) {
            if (issuer === ANY_POLICY || subject === ANY_POLICY) return false;
            mappings.set(issuer, [...(mappings.get(issuer) ?? []), subject]);
          } else {
            pg.deleteLeaf(issuer);
            pg.prune();
          }
        }
        for (const [issuer, subjects] of mappings) {
          const matching = pg.leafWithPolicy(issuer);
          if (matching !== undefined) matching.expected = subjects;
          else {
            const anyLeaf = pg.leafWithPolicy(ANY_POLICY);
            if (anyLeaf !== undefined) {
              const node = newNode(issuer, [anyLeaf]);
              node.expected = subjects;
              pg.insert(node);
            }
          }
        }
      }
    }

    if (i !== 0) {
      if (!isSelfSigned) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
      }
      if (set(f.RequireExplicitPolicy, f.RequireExplicitPolicyZero) && f.RequireExplicitPolicy < explicitPolicy) explicitPolicy = f.RequireExplicitPolicy;
      if (set(f.InhibitPolicyMapping, f.InhibitPolicyMappingZero) && f.InhibitPolicyMapping < policyMapping) policyMapping = f.InhibitPolicyMapping;
      if (set(f.InhibitAnyPolicy, f.InhibitAnyPolicyZero) && f.InhibitAnyPolicy < inhibitAnyPolicy) inhibitAnyPolicy = f.InhibitAnyPolicy;
    }
  }

  if (explicitPolicy > 0) explicitPolicy--;
  if (chain[0]!.fields.RequireExplicitPolicyZero) explicitPolicy = 0;
  const valid: PolicyNode[] = [];
  if (pg !== null) {
    valid.push(...pg.validPolicyNodes());
    const anyLeaf = pg.leafWithPolicy(ANY_POLICY);
    if (anyLeaf !== undefined) valid.push(anyLeaf);
  }
  // With anyPolicy as the initial user set, the user-constrained set is the authority-constrained one.
  return !(explicitPolicy === 0 && valid.length === 0);
}

import { ensurePolicyBuilt, PolicyEngine } from '../src/policy/index.js';
const t = Date.now();
const r = await ensurePolicyBuilt({ outDir: '/tmp/p2-policy-build-noopt', optimize: false });
console.log('built', r.rebuilt, Date.now() - t, r.manifest.revision);

export { planProgram, NETWORK_BUILTINS, type EntrypointRequest, type PlanOptions } from './planner.js';

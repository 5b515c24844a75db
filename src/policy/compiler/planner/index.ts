export { planProgram, type EntrypointRequest } from './planner.js';

import { GatewayError } from '../errors/index.js';
import type { TaskerAdapter } from './adapter.js';
import { confine, type ProjectScope } from './project-scope.js';
import type { Actor } from './types.js';

/**
 * The adapter operations a tool contract may name in `x-gateway.operation` (handler `tasker`).
 * The mediator looks the operation up here and passes the validated tool arguments unchanged;
 * nothing else of the adapter is reachable by name.
 */
type Operation = (adapter: TaskerAdapter, args: never, actor: Actor) => Promise<unknown>;

const bind =
  <A>(run: (adapter: TaskerAdapter, args: A, actor: Actor) => Promise<unknown>): Operation =>
  (adapter, args, actor) =>
    run(adapter, args as A, actor);

export const TOOL_OPERATIONS = {
  listProjects: bind((a, args: Parameters<TaskerAdapter['listProjects']>[0]) => a.listProjects(args)),
  getProject: bind((a, args: Parameters<TaskerAdapter['getProject']>[0]) => a.getProject(args)),
  listWorkItems: bind((a, args: Parameters<TaskerAdapter['listWorkItems']>[0], actor) => a.listWorkItems(args, actor)),
  getWorkItem: bind((a, args: Parameters<TaskerAdapter['getWorkItem']>[0]) => a.getWorkItem(args)),
  searchWorkItems: bind((a, args: Parameters<TaskerAdapter['searchWorkItems']>[0]) => a.searchWorkItems(args)),
  listCycleWorkItems: bind((a, args: Parameters<TaskerAdapter['listCycleWorkItems']>[0]) => a.listCycleWorkItems(args)),
  listModuleWorkItems: bind((a, args: Parameters<TaskerAdapter['listModuleWorkItems']>[0]) => a.listModuleWorkItems(args)),
  listSubWorkItems: bind((a, args: Parameters<TaskerAdapter['listSubWorkItems']>[0]) => a.listSubWorkItems(args)),
  listWorkItemLinks: bind((a, args: Parameters<TaskerAdapter['listWorkItemLinks']>[0]) => a.listWorkItemLinks(args)),
  listWorkItemActivity: bind((a, args: Parameters<TaskerAdapter['listWorkItemActivity']>[0]) => a.listWorkItemActivity(args)),
  listComments: bind((a, args: Parameters<TaskerAdapter['listComments']>[0]) => a.listComments(args)),
  listStates: bind((a, args: Parameters<TaskerAdapter['listStates']>[0]) => a.listStates(args)),
  listLabels: bind((a, args: Parameters<TaskerAdapter['listLabels']>[0]) => a.listLabels(args)),
  listMembers: bind((a, args: Parameters<TaskerAdapter['listMembers']>[0]) => a.listMembers(args)),
  listCycles: bind((a, args: Parameters<TaskerAdapter['listCycles']>[0]) => a.listCycles(args)),
  listModules: bind((a, args: Parameters<TaskerAdapter['listModules']>[0]) => a.listModules(args)),
  createWorkItem: bind((a, args: Parameters<TaskerAdapter['createWorkItem']>[0], actor) => a.createWorkItem(args, actor)),
  updateWorkItem: bind((a, args: Parameters<TaskerAdapter['updateWorkItem']>[0], actor) => a.updateWorkItem(args, actor)),
  transitionWorkItem: bind((a, args: Parameters<TaskerAdapter['transitionWorkItem']>[0], actor) => a.transitionWorkItem(args, actor)),
  addComment: bind((a, args: Parameters<TaskerAdapter['addComment']>[0], actor) => a.addComment(args, actor)),
  addWorkItemToCycle: bind((a, args: Parameters<TaskerAdapter['addWorkItemToCycle']>[0], actor) => a.addWorkItemToCycle(args, actor)),
  addWorkItemToModule: bind((a, args: Parameters<TaskerAdapter['addWorkItemToModule']>[0], actor) => a.addWorkItemToModule(args, actor)),
  removeWorkItemFromCycle: bind((a, args: Parameters<TaskerAdapter['removeWorkItemFromCycle']>[0], actor) => a.removeWorkItemFromCycle(args, actor)),
  removeWorkItemFromModule: bind((a, args: Parameters<TaskerAdapter['removeWorkItemFromModule']>[0], actor) => a.removeWorkItemFromModule(args, actor)),
  addWorkItemLink: bind((a, args: Parameters<TaskerAdapter['addWorkItemLink']>[0], actor) => a.addWorkItemLink(args, actor)),
  deleteWorkItem: bind((a, args: Parameters<TaskerAdapter['deleteWorkItem']>[0], actor) => a.deleteWorkItem(args, actor)),
} as const satisfies Record<string, Operation>;

export type ToolOperationName = keyof typeof TOOL_OPERATIONS;

export function isToolOperation(name: string): name is ToolOperationName {
  return Object.hasOwn(TOOL_OPERATIONS, name);
}

/**
 * Runs the named operation with a tool's validated arguments, confined to the decision's project
 * scope: what lies outside it does not exist for the operation. An unknown name fails closed.
 */
export function runToolOperation(adapter: TaskerAdapter, operation: string, args: Record<string, unknown>, actor: Actor, scope: ProjectScope): Promise<unknown> {
  if (!isToolOperation(operation)) {
    return Promise.reject(new GatewayError('internal_error', `No Tasker adapter operation named ${operation}.`));
  }
  return confine(scope, () => TOOL_OPERATIONS[operation](adapter, args as never, actor));
}

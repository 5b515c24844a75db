import { GatewayError, isGatewayError } from '../errors/index.js';
import { attributionLine, descriptionToHtml, externalIdFor, textToHtml } from './attribution.js';
import { resolveAdapterConfig, type TaskerAdapterConfig, type TaskerAdapterOptions } from './config.js';
import { Endpoints, type PlanePath } from './endpoints.js';
import { TaskerHttpClient } from './http-client.js';
import { isProjectIdentifier, isUuid, parseHumanId } from './ids.js';
import { pageOf } from './list-cursor.js';
import {
  mapActivity, mapComment, mapCycle, mapLabel, mapLink, mapMember, mapModule, mapProject, mapSearchHit, mapState, mapWorkItem, type PlaneObject,
} from './mapping.js';
import { ProjectCache } from './project-cache.js';
import { ReferenceCache } from './reference-cache.js';
import { WorkItemLocator, type WorkItemPlace } from './work-item-locator.js';
import { expandWriteAnswer, type ReferenceKind } from './write-answer.js';
import { nullWhenNotFound, projectNotFound, workItemNotFound } from './not-found.js';
import { inScope, isConfined } from './project-scope.js';
import { searchProjects } from './scoped-search.js';
import { findLabel, findMember, findState, stateForGroup } from './reference-data.js';
import type {
  Activity, Actor, AddCommentArgs, AddLinkArgs, AddToCycleArgs, AddToModuleArgs, Comment, CreateWorkItemArgs, CurrentUser, Cycle,
  DeleteWorkItemArgs, Label, ListCommentsArgs, ListCycleWorkItemsArgs, ListModuleWorkItemsArgs, ListProjectsArgs, ListWorkItemsArgs,
  Member, Module, PagedWorkItemArgs, Project, ProjectArgs, SearchHit, SearchWorkItemsArgs, State, StateRef, TransitionWorkItemArgs,
  UpdateWorkItemArgs, WorkItem, WorkItemArgs, WorkItemFields, WorkItemLink,
} from './types.js';
import { matchesFilter, type WorkItemFilter } from './work-item-filter.js';
import { carriesFields, sendAndConfirm } from './write-confirmation.js';

const EXPAND_WORK_ITEM = 'state,labels,assignees,parent';
const DEFAULT_PAGE = 25;

/** A create's outcome: the object's id, whether this call made it, and Plane's answer when there was one. */
interface Posted {
  id: string;
  created: boolean;
  answer?: PlaneObject;
}

/** A cache of one kind of reference data and the request that fills it. */
interface Source<T> {
  cache: ReferenceCache<T>;
  fetch: () => Promise<T[]>;
}

/** Plane stores a link's URL as sent; a trailing slash or the scheme's case makes no other link. */
function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, '').replace(/^[a-z]+:/i, (scheme) => scheme.toLowerCase());
  return norm(a) === norm(b);
}

/** Plane's work-item body fields -> the tool argument each came from. */
const WORK_ITEM_FIELD_POINTERS = {
  name: '/name', description_html: '/description', priority: '/priority', state: '/state', assignees: '/assignees',
  labels: '/labels', parent: '/parent', start_date: '/start_date', target_date: '/target_date',
};

/**
 * The narrow Tasker adapter: one named operation per need of the tools, each speaking Plane's
 * REST API v1 through a fixed set of endpoints. Tool-level operations take the tool's arguments
 * (already validated against the contract) and the acting agent, and return the tool's result.
 * Every operation runs under one deadline covering its retries and pages.
 */
export class TaskerAdapter {
  readonly config: TaskerAdapterConfig;
  private readonly http: TaskerHttpClient;
  private readonly endpoints: Endpoints;
  private readonly projects: ProjectCache;
  private projectsLoading: Promise<Project[]> | null = null;
  private readonly states: ReferenceCache<State>;
  private readonly labels: ReferenceCache<Label>;
  private readonly members: ReferenceCache<Member>;
  private readonly cycles: ReferenceCache<Cycle>;
  private readonly modules: ReferenceCache<Module>;
  private readonly places: WorkItemLocator;

  constructor(options: TaskerAdapterOptions) {
    this.config = resolveAdapterConfig(options);
    this.http = new TaskerHttpClient(this.config);
    this.endpoints = new Endpoints(this.config.workspace, this.config.pathFamily);
    this.projects = new ProjectCache(this.config.projectCacheTtlMs);
    this.states = new ReferenceCache(this.config.referenceCacheTtlMs);
    this.labels = new ReferenceCache(this.config.referenceCacheTtlMs);
    this.members = new ReferenceCache(this.config.referenceCacheTtlMs);
    this.cycles = new ReferenceCache(this.config.referenceCacheTtlMs);
    this.modules = new ReferenceCache(this.config.referenceCacheTtlMs);
    this.places = new WorkItemLocator(this.config.workItemCacheTtlMs);
  }

  get workspace(): string {
    return this.config.workspace;
  }

  // ---- identity -------------------------------------------------------------------------

  /** The Tasker user behind the gateway's API key. */
  async getCurrentUser(): Promise<CurrentUser> {
    const { body } = await this.http.request<PlaneObject>({ method: 'GET', path: this.endpoints.currentUser(), deadline: this.http.deadline() });
    const user = mapMember(body);
    return { id: user.id, display_name: user.display_name, email: user.email };
  }

  // ---- projects -------------------------------------------------------------------------

  async listProjects(args: ListProjectsArgs = {}): Promise<{ projects: Project[] }> {
    const all = await this.loadProjects(this.http.deadline());
    const projects = all.filter((p) => inScope(p) && (args.include_archived || !p.archived) && (!args.member_only || p.is_member));
    return { projects };
  }

  async getProject(args: ProjectArgs): Promise<{ project: Project }> {
    return { project: await this.resolveProject(args.project) };
  }

  /**
   * A project by identifier (`PROJ`, any case) or UUID; `not_found` when Tasker has no such visible
   * project or it lies outside the running call's project scope (the same answer for both).
   */
  async resolveProject(ref: string, pointer = '/project', deadline: number = this.http.deadline()): Promise<Project> {
    const project = await this.findProject(ref, pointer, deadline);
    if (!project || !inScope(project)) throw projectNotFound(ref);
    return project;
  }

  private async findProject(ref: string, pointer: string, deadline: number): Promise<Project | null> {
    if (isUuid(ref)) return this.projects.byProjectId(ref) ?? this.fetchProject(ref, deadline).catch(nullWhenNotFound);
    if (!isProjectIdentifier(ref)) {
      throw new GatewayError('validation_failed', 'Not a project identifier or UUID.', { fields: [{ pointer, message: 'must be a project identifier or UUID' }] });
    }
    const cached = this.projects.byProjectIdentifier(ref);
    if (cached) return cached;
    return (await this.loadProjects(deadline)).find((p) => p.identifier.toUpperCase() === ref.toUpperCase()) ?? null;
  }

  // ---- reading work items ---------------------------------------------------------------

  /**
   * Plane has no server-side filters for work items; a cycle or module filter reads that cycle's
   * or module's item list instead of the project's (the same work-item objects), the others run
   * here. Both at once read both lists and keep the items in both.
   */
  async listWorkItems(args: ListWorkItemsArgs, actor?: Actor): Promise<{ items: WorkItem[]; total: number; next_cursor: string | null }> {
    const deadline = this.http.deadline();
    const project = await this.resolveProject(args.project, '/project', deadline);
    const filter = await this.buildFilter(project.id, args, actor, deadline);
    const matching = (await this.workItemsOf(project, args, deadline)).filter(({ raw, item }) => matchesFilter(item, raw, filter)).map(({ item }) => item);
    const { page, next_cursor } = pageOf(matching, args.cursor, args.limit ?? DEFAULT_PAGE);
    return { items: page, total: matching.length, next_cursor };
  }

  async listCycleWorkItems(args: ListCycleWorkItemsArgs): Promise<{ cycle_id: string; items: WorkItem[]; total: number; next_cursor: string | null }> {
    const { items, total, next_cursor } = await this.listWorkItems({ project: args.project, cycle: args.cycle, cursor: args.cursor, limit: args.limit });
    return { cycle_id: args.cycle.toLowerCase(), items, total, next_cursor };
  }

  async listModuleWorkItems(args: ListModuleWorkItemsArgs): Promise<{ module_id: string; items: WorkItem[]; total: number; next_cursor: string | null }> {
    const { items, total, next_cursor } = await this.listWorkItems({ project: args.project, module: args.module, cursor: args.cursor, limit: args.limit });
    return { module_id: args.module.toLowerCase(), items, total, next_cursor };
  }

  /** The children of a work item (Plane's `parent`), read from its project's list. */
  async listSubWorkItems(args: PagedWorkItemArgs): Promise<{ parent_id: string; parent_human_id: string; items: WorkItem[]; total: number; next_cursor: string | null }> {
    const deadline = this.http.deadline();
    const parent = await this.locateWorkItem(args.work_item, args.project, deadline);
    const project = await this.resolveProject(parent.project_id, '/work_item', deadline);
    const children = (await this.workItemsOf(project, {}, deadline)).filter(({ item }) => item.parent_id === parent.id).map(({ item }) => item);
    const { page, next_cursor } = pageOf(children, args.cursor, args.limit ?? DEFAULT_PAGE);
    return { parent_id: parent.id, parent_human_id: parent.human_id, items: page, total: children.length, next_cursor };
  }

  /** A project's work items, or a cycle's or module's (checked to exist in the project: Plane lists nothing for an unknown one). */
  private async workItemsOf(project: Project, args: Pick<ListWorkItemsArgs, 'cycle' | 'module'>, deadline: number): Promise<{ raw: PlaneObject; item: WorkItem }[]> {
    const read = async (path: ReturnType<Endpoints['workItems']>, tag: Partial<WorkItem> = {}) => {
      const { items } = await this.http.listAll<PlaneObject>(path, { expand: EXPAND_WORK_ITEM }, deadline, this.config.maxScanItems);
      return items.map((raw) => ({ raw, item: { ...this.remember(mapWorkItem(raw, project.identifier, false)), ...tag } }));
    };
    if (args.cycle === undefined && args.module === undefined) return read(this.endpoints.workItems(project.id));
    let found: { raw: PlaneObject; item: WorkItem }[] | null = null;
    if (args.cycle !== undefined) {
      const cycle = await this.findCycle(project.id, args.cycle, '/cycle', deadline);
      found = await read(this.endpoints.cycleWorkItems(project.id, cycle.id), { cycle_id: cycle.id });
    }
    if (args.module !== undefined) {
      const module = await this.findModule(project.id, args.module, '/module', deadline);
      const inModule = await read(this.endpoints.moduleWorkItems(project.id, module.id), { module_id: module.id });
      if (found === null) return inModule;
      const byId = new Map(inModule.map((entry) => [entry.item.id, entry.item.module_id]));
      found = found.filter(({ item }) => byId.has(item.id)).map((entry) => ({ ...entry, item: { ...entry.item, module_id: byId.get(entry.item.id)! } }));
    }
    return found!;
  }

  async getWorkItem(args: WorkItemArgs): Promise<{ work_item: WorkItem }> {
    return { work_item: await this.resolveWorkItem(args.work_item, args.project) };
  }

  /** A work item by its human id (`PROJ-12`); the identifier is checked against the project list first. */
  async getWorkItemByHumanId(humanId: string, deadline: number = this.http.deadline()): Promise<WorkItem> {
    const parsed = parseHumanId(humanId);
    if (!parsed) throw new GatewayError('validation_failed', 'Not a human id.', { fields: [{ pointer: '/work_item', message: 'must look like PROJ-12' }] });
    // Plane answers 403 for an unknown identifier; resolving it first turns that into not_found.
    const project = await this.resolveProject(parsed.identifier, '/work_item', deadline);
    const { body } = await this.http.request<PlaneObject>({ method: 'GET', path: this.endpoints.workItemByHumanId(parsed), query: { expand: EXPAND_WORK_ITEM }, deadline });
    return this.remember(mapWorkItem(body, project.identifier, true));
  }

  async getWorkItemById(projectId: string, workItemId: string, deadline: number = this.http.deadline()): Promise<WorkItem> {
    const project = await this.resolveProject(projectId, '/project', deadline);
    const { body } = await this.http.request<PlaneObject>({ method: 'GET', path: this.endpoints.workItem(project.id, workItemId), query: { expand: EXPAND_WORK_ITEM }, deadline });
    return this.remember(mapWorkItem(body, project.identifier, true));
  }

  /**
   * A work item by human id, or by UUID within a project; a human id must agree with a given
   * project. An item that does not exist, is not in the given project or lies outside the running
   * call's project scope gets one and the same answer, so no answer tells an agent that an item
   * exists where it may not look.
   */
  async resolveWorkItem(ref: string, projectRef?: string, deadline: number = this.http.deadline()): Promise<WorkItem> {
    if (isUuid(ref) && projectRef === undefined) {
      throw new GatewayError('validation_failed', 'A work item UUID needs its project.', { fields: [{ pointer: '/project', message: 'is required with a work item UUID' }] });
    }
    try {
      const item = await this.findWorkItem(ref, projectRef, deadline);
      if (inScope({ id: item.project_id, identifier: item.project_identifier })) return item;
    } catch (err) {
      if (!(isGatewayError(err) && err.code === 'not_found')) throw err;
    }
    throw workItemNotFound(ref);
  }

  /**
   * Where a work item is (UUID, human id, project), for calls that need only that: from the
   * locator when the gateway saw the item lately, else by reading it (resolveWorkItem). The same
   * checks and the same not-found answer as resolveWorkItem.
   */
  async locateWorkItem(ref: string, projectRef?: string, deadline: number = this.http.deadline()): Promise<WorkItemPlace> {
    const known = await this.knownPlace(ref, projectRef, deadline);
    if (known === 'elsewhere') throw workItemNotFound(ref);
    if (known) return known;
    return this.resolveWorkItem(ref, projectRef, deadline);
  }

  /** A place from the locator: undefined when unknown, 'elsewhere' when known but not where the call looks. */
  private async knownPlace(ref: string, projectRef: string | undefined, deadline: number): Promise<WorkItemPlace | 'elsewhere' | undefined> {
    if (isUuid(ref) && projectRef === undefined) return undefined;
    const place = isUuid(ref) ? this.places.byUuid(ref) : this.places.byHuman(ref);
    if (!place) return undefined;
    if (projectRef !== undefined) {
      const project = await this.resolveProject(projectRef, '/project', deadline);
      if (project.id !== place.project_id) return 'elsewhere';
    }
    return inScope({ id: place.project_id, identifier: place.project_identifier }) ? place : 'elsewhere';
  }

  private remember(item: WorkItem): WorkItem {
    this.places.remember(item);
    return item;
  }

  private async findWorkItem(ref: string, projectRef: string | undefined, deadline: number): Promise<WorkItem> {
    if (isUuid(ref)) return this.getWorkItemById(projectRef!, ref, deadline);
    if (projectRef === undefined) return this.getWorkItemByHumanId(ref, deadline);
    const project = await this.resolveProject(projectRef, '/project', deadline);
    // Compared before anything is fetched: an item of another project is never looked up.
    const parsed = parseHumanId(ref);
    if (parsed && parsed.identifier !== project.identifier.toUpperCase()) throw workItemNotFound(ref);
    return this.getWorkItemByHumanId(ref, deadline);
  }

  /**
   * Searches one project, the whole workspace, or (for a call confined to some projects) each of
   * them. Hits outside the scope are dropped as well, in case a Tasker ignores `project_id`.
   */
  async searchWorkItems(args: SearchWorkItemsArgs): Promise<{ items: SearchHit[] }> {
    const deadline = this.http.deadline();
    const limit = args.limit ?? 10;
    const search = (projectId: string | null) => this.searchIn(args.query, limit, projectId, deadline);
    let hits: SearchHit[];
    if (args.project !== undefined) hits = await search((await this.resolveProject(args.project, '/project', deadline)).id);
    else if (!isConfined()) hits = await search(null);
    else hits = await searchProjects((await this.knownProjects(deadline)).filter(inScope), limit, search);
    return { items: hits.filter((h) => inScope({ id: h.project_id, identifier: h.project_identifier })) };
  }

  private async searchIn(query: string, limit: number, projectId: string | null, deadline: number): Promise<SearchHit[]> {
    const { body } = await this.http.request<{ issues?: unknown }>({
      method: 'GET',
      path: this.endpoints.search(),
      query: { search: query, limit, workspace_search: projectId ? 'false' : 'true', project_id: projectId ?? undefined },
      deadline,
    });
    if (!body || !Array.isArray(body.issues)) throw new GatewayError('tasker_unavailable', 'Tasker answered the search in an unexpected shape.', { context: { reason: 'shape' } });
    return (body.issues as PlaneObject[]).map(mapSearchHit);
  }

  async listComments(args: ListCommentsArgs): Promise<{ comments: Comment[]; next_cursor: string | null }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    const { items } = await this.http.listAll<PlaneObject>(this.endpoints.comments(item.project_id, item.id), {}, deadline, this.config.maxScanItems);
    const { page, next_cursor } = pageOf(items.map(mapComment), args.cursor, args.limit ?? DEFAULT_PAGE);
    return { comments: page, next_cursor };
  }

  async listWorkItemLinks(args: WorkItemArgs): Promise<{ links: WorkItemLink[] }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    return { links: await this.linksOf(item, deadline) };
  }

  /** The item's history, oldest first (Plane writes it in the background, so the newest change may lag). */
  async listWorkItemActivity(args: PagedWorkItemArgs): Promise<{ activity: Activity[]; next_cursor: string | null }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    const { items } = await this.http.listAll<PlaneObject>(this.endpoints.activities(item.project_id, item.id), {}, deadline, this.config.maxScanItems);
    const { page, next_cursor } = pageOf(items.map(mapActivity), args.cursor, args.limit ?? DEFAULT_PAGE);
    return { activity: page, next_cursor };
  }

  // ---- project reference data -----------------------------------------------------------

  async listStates(args: ProjectArgs): Promise<{ states: State[] }> {
    const deadline = this.http.deadline();
    const project = await this.resolveProject(args.project, '/project', deadline);
    return { states: await this.states.refresh(project.id, () => this.fetchStates(project.id, deadline)) };
  }

  async listLabels(args: ProjectArgs): Promise<{ labels: Label[] }> {
    const deadline = this.http.deadline();
    const project = await this.resolveProject(args.project, '/project', deadline);
    return { labels: await this.labels.refresh(project.id, () => this.fetchLabels(project.id, deadline)) };
  }

  async listMembers(args: ProjectArgs): Promise<{ members: Member[] }> {
    const deadline = this.http.deadline();
    const project = await this.resolveProject(args.project, '/project', deadline);
    return { members: await this.members.refresh(project.id, () => this.fetchMembers(project.id, deadline)) };
  }

  async listCycles(args: ProjectArgs): Promise<{ cycles: Cycle[] }> {
    const deadline = this.http.deadline();
    const project = await this.resolveProject(args.project, '/project', deadline);
    return { cycles: await this.cycles.refresh(project.id, () => this.fetchCycles(project.id, deadline)) };
  }

  async listModules(args: ProjectArgs): Promise<{ modules: Module[] }> {
    const deadline = this.http.deadline();
    const project = await this.resolveProject(args.project, '/project', deadline);
    return { modules: await this.modules.refresh(project.id, () => this.fetchModules(project.id, deadline)) };
  }

  // ---- writes ---------------------------------------------------------------------------
  // Every write is sent once (sendOnce): when its answer is lost, Tasker is read back to decide
  // whether it landed (sendAndConfirm), and an undecided write is `tasker_outcome_unknown`.
  // Plane answers a create or PATCH with the object itself: that answer is the result (ids filled
  // in from the cached reference data), so a write costs its own request plus, at most, one to
  // find the item it names.

  /**
   * Creates a work item, idempotently: the external id comes from the agent and the idempotency
   * key (or from the decision without a key). Plane refuses a second item with the same external
   * id (409 naming the first), which is then returned as is; a lost answer is settled by looking
   * the external id up.
   */
  async createWorkItem(args: CreateWorkItemArgs, actor: Actor): Promise<{ work_item: WorkItem; created: boolean }> {
    const deadline = this.http.deadline();
    const project = await this.writableProject(args.project, deadline);
    const externalId = externalIdFor(actor, 'work-item', args.idempotency_key);
    const fields = await this.workItemBody(project, args, actor, deadline);
    fields.description_html = `${args.description ? descriptionToHtml(args.description) : ''}${attributionLine(actor, 'Created')}`;
    const body = { ...fields, external_source: this.config.externalSource, external_id: externalId };
    const outcome = await sendAndConfirm<Posted>(
      () => this.postOnce(this.endpoints.workItems(project.id), body, deadline),
      async (by) => {
        const id = await this.findByExternalId(project.id, externalId, by);
        return id === null ? null : { id, created: true };
      },
      this.config.confirmMs,
    );
    const after = this.afterSend(deadline);
    const work_item = outcome.answer ? await this.workItemFromAnswer(outcome.answer, project, after) : await this.getWorkItemById(project.id, outcome.id, after);
    return { work_item, created: outcome.created };
  }

  async updateWorkItem(args: UpdateWorkItemArgs, actor: Actor): Promise<{ work_item: WorkItem }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    const project = await this.writableProject(item.project_id, deadline);
    const fields = await this.updateBody(project, args, actor, deadline);
    const answer = await this.patchOnce(project.id, item.id, fields, deadline, WORK_ITEM_FIELD_POINTERS);
    return { work_item: await this.workItemFromAnswer(answer, project, this.afterSend(deadline)) };
  }

  /** Reads the item first (its current state decides whether anything is to be done and is reported as previous_state). */
  async transitionWorkItem(args: TransitionWorkItemArgs, _actor: Actor): Promise<{ work_item: WorkItem; previous_state: StateRef | null }> {
    const deadline = this.http.deadline();
    const item = await this.resolveWorkItem(args.work_item, args.project, deadline);
    const project = await this.writableProject(item.project_id, deadline);
    // Asking for a group the item is already in changes nothing, whichever state of the group it is in.
    if (args.state === undefined && item.state?.group === args.state_group) return { work_item: item, previous_state: item.state };
    const target = await this.transitionTarget(project.id, args, deadline);
    if (item.state?.id === target) return { work_item: item, previous_state: item.state };
    const answer = await this.patchOnce(project.id, item.id, { state: target }, deadline, { state: '/state' });
    return { work_item: await this.workItemFromAnswer(answer, project, this.afterSend(deadline)), previous_state: item.state };
  }

  /** Deletes a work item; a 404 on a retried DELETE, or on reading it back after a lost answer, means it is gone. */
  async deleteWorkItem(args: DeleteWorkItemArgs, _actor: Actor): Promise<{ deleted: true; work_item_id: string; human_id: string }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    await this.writableProject(item.project_id, deadline);
    const done = { deleted: true as const, work_item_id: item.id, human_id: item.human_id };
    const send = async () => {
      try {
        await this.http.request({ method: 'DELETE', path: this.endpoints.workItem(item.project_id, item.id), deadline, sendOnce: true });
      } catch (err) {
        if (!(isGatewayError(err) && err.code === 'not_found' && Number(err.context?.attempts) > 1)) throw err;
      }
      return done;
    };
    try {
      return await sendAndConfirm(send, async (by) => ((await this.workItemGone(item.project_id, item.id, by)) ? done : null), this.config.confirmMs);
    } catch (err) {
      // An item the locator remembered may have been deleted outside the gateway meanwhile.
      if (isGatewayError(err) && err.code === 'not_found') throw workItemNotFound(args.work_item);
      throw err;
    } finally {
      this.places.forget(item.id);
    }
  }

  /** Posts a comment with an attribution line; idempotent like createWorkItem (found again by its external id). */
  async addComment(args: AddCommentArgs, actor: Actor): Promise<{ comment: Comment; created: boolean }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    await this.writableProject(item.project_id, deadline);
    const html = `${args.html ? args.body : textToHtml(args.body)}${attributionLine(actor, 'Posted')}`;
    const externalId = externalIdFor(actor, 'comment', args.idempotency_key);
    const body = { comment_html: html, access: 'INTERNAL', external_source: this.config.externalSource, external_id: externalId };
    const outcome = await sendAndConfirm<Posted>(
      () => this.postOnce(this.endpoints.comments(item.project_id, item.id), body, deadline, { comment_html: '/body' }),
      async (by) => {
        const id = await this.findCommentByExternalId(item.project_id, item.id, externalId, by);
        return id === null ? null : { id, created: true };
      },
      this.config.confirmMs,
    );
    if (outcome.answer) return { comment: mapComment(outcome.answer), created: outcome.created };
    const { body: comment } = await this.http.request<PlaneObject>({ method: 'GET', path: this.endpoints.comment(item.project_id, item.id, outcome.id), deadline: this.afterSend(deadline) });
    return { comment: mapComment(comment), created: outcome.created };
  }

  /**
   * Attaches a link (URL and optional title) to a work item. Plane refuses the same URL twice on
   * one item, which makes the URL the link's identity: a repeat, a keyed retry and a lost answer
   * all end with the link that has that URL.
   */
  async addWorkItemLink(args: AddLinkArgs, _actor: Actor): Promise<{ link: WorkItemLink; created: boolean }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    await this.writableProject(item.project_id, deadline);
    const existing = async (by: number) => (await this.linksOf(item, by)).find((l) => sameUrl(l.url, args.url)) ?? null;
    const send = async (): Promise<{ link: WorkItemLink; created: boolean }> => {
      try {
        const body = { url: args.url, ...(args.title !== undefined ? { title: args.title } : {}) };
        const { body: answer } = await this.http.request<PlaneObject>({ method: 'POST', path: this.endpoints.links(item.project_id, item.id), body, deadline, fieldPointers: { url: '/url', title: '/title' }, sendOnce: true });
        return { link: mapLink(answer), created: true };
      } catch (err) {
        if (!isGatewayError(err) || err.code !== 'tasker_rejected') throw err;
        const link = await existing(this.afterSend(deadline));
        if (!link) throw err;
        return { link, created: Number(err.context?.attempts) > 1 };
      }
    };
    return sendAndConfirm(send, async (by) => {
      const link = await existing(by);
      return link ? { link, created: true } : null;
    }, this.config.confirmMs);
  }

  async addWorkItemToCycle(args: AddToCycleArgs, _actor: Actor): Promise<{ cycle_id: string; work_item_id: string; human_id: string }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    await this.addWorkItemsToCycle(item.project_id, args.cycle, [item.id], deadline);
    return { cycle_id: args.cycle.toLowerCase(), work_item_id: item.id, human_id: item.human_id };
  }

  async addWorkItemToModule(args: AddToModuleArgs, _actor: Actor): Promise<{ module_id: string; work_item_id: string; human_id: string }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    await this.addWorkItemsToModule(item.project_id, args.module, [item.id], deadline);
    return { module_id: args.module.toLowerCase(), work_item_id: item.id, human_id: item.human_id };
  }

  /** Takes a work item out of a cycle; `removed: false` when it was not in it (the cycle must exist). */
  async removeWorkItemFromCycle(args: AddToCycleArgs, _actor: Actor): Promise<{ cycle_id: string; work_item_id: string; human_id: string; removed: boolean }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    await this.writableProject(item.project_id, deadline);
    const removed = await this.unlinkOnce(this.endpoints.cycleWorkItems(item.project_id, args.cycle), this.endpoints.cycleWorkItem(item.project_id, args.cycle, item.id), item, deadline, () => this.findCycle(item.project_id, args.cycle, '/cycle', this.afterSend(deadline)));
    return { cycle_id: args.cycle.toLowerCase(), work_item_id: item.id, human_id: item.human_id, removed };
  }

  /** Takes a work item out of a module; `removed: false` when it was not in it (the module must exist). */
  async removeWorkItemFromModule(args: AddToModuleArgs, _actor: Actor): Promise<{ module_id: string; work_item_id: string; human_id: string; removed: boolean }> {
    const deadline = this.http.deadline();
    const item = await this.locateWorkItem(args.work_item, args.project, deadline);
    await this.writableProject(item.project_id, deadline);
    const removed = await this.unlinkOnce(this.endpoints.moduleWorkItems(item.project_id, args.module), this.endpoints.moduleWorkItem(item.project_id, args.module, item.id), item, deadline, () => this.findModule(item.project_id, args.module, '/module', this.afterSend(deadline)));
    return { module_id: args.module.toLowerCase(), work_item_id: item.id, human_id: item.human_id, removed };
  }

  /** Puts work items into a cycle (Plane moves them out of any other cycle). */
  async addWorkItemsToCycle(projectId: string, cycleId: string, workItemIds: string[], deadline: number = this.http.deadline()): Promise<void> {
    await this.writableProject(projectId, deadline);
    await this.linkOnce(this.endpoints.cycleWorkItems(projectId, cycleId), workItemIds, deadline);
  }

  /** Adds work items to a module (additive; a repeated pair is ignored by Plane). */
  async addWorkItemsToModule(projectId: string, moduleId: string, workItemIds: string[], deadline: number = this.http.deadline()): Promise<void> {
    await this.writableProject(projectId, deadline);
    await this.linkOnce(this.endpoints.moduleWorkItems(projectId, moduleId), workItemIds, deadline);
  }

  /**
   * Reads Tasker back to tell whether a write named by its tool operation landed: the result it
   * would have answered when it did, `null` when it did not (yet), `undefined` when it landed but
   * its result cannot be rebuilt (a delete by human id: the item is gone with its number). The
   * reconciler calls this for writes whose answer was lost or whose gateway stopped mid-write; the
   * actor must carry the decision id (or args the idempotency key) the write was sent with.
   */
  async confirmWrite(operation: string, args: Record<string, unknown>, actor: Actor): Promise<unknown> {
    const deadline = this.http.deadline();
    switch (operation) {
      case 'createWorkItem': {
        const a = args as unknown as CreateWorkItemArgs;
        const project = await this.resolveProject(a.project, '/project', deadline);
        const id = await this.findByExternalId(project.id, externalIdFor(actor, 'work-item', a.idempotency_key), deadline);
        return id === null ? null : { work_item: await this.getWorkItemById(project.id, id, deadline), created: true };
      }
      case 'addComment': {
        const a = args as unknown as AddCommentArgs;
        const item = await this.resolveWorkItem(a.work_item, a.project, deadline);
        const id = await this.findCommentByExternalId(item.project_id, item.id, externalIdFor(actor, 'comment', a.idempotency_key), deadline);
        if (id === null) return null;
        const { body } = await this.http.request<PlaneObject>({ method: 'GET', path: this.endpoints.comment(item.project_id, item.id, id), deadline });
        return { comment: mapComment(body), created: true };
      }
      case 'updateWorkItem': {
        const a = args as unknown as UpdateWorkItemArgs;
        const item = await this.resolveWorkItem(a.work_item, a.project, deadline);
        const project = await this.resolveProject(item.project_id, '/project', deadline);
        const fields = await this.updateBody(project, a, actor, deadline);
        return (await this.carries(project.id, item.id, fields, deadline)) ? { work_item: await this.getWorkItemById(project.id, item.id, deadline) } : null;
      }
      case 'transitionWorkItem': {
        // The state before the lost write is gone; previous_state reports the state it left as unknown.
        const a = args as unknown as TransitionWorkItemArgs;
        const item = await this.resolveWorkItem(a.work_item, a.project, deadline);
        const target = await this.transitionTarget(item.project_id, a, deadline);
        return item.state?.id === target ? { work_item: item, previous_state: null } : null;
      }
      case 'deleteWorkItem': {
        const a = args as unknown as DeleteWorkItemArgs;
        if (!isUuid(a.work_item) || a.project === undefined) return this.humanIdGone(a.work_item);
        const project = await this.resolveProject(a.project, '/project', deadline);
        return (await this.workItemGone(project.id, a.work_item, deadline)) ? undefined : null;
      }
      case 'addWorkItemToCycle':
      case 'addWorkItemToModule': {
        const a = args as unknown as AddToCycleArgs & AddToModuleArgs;
        const item = await this.resolveWorkItem(a.work_item, a.project, deadline);
        const inCycle = operation === 'addWorkItemToCycle';
        const path = inCycle ? this.endpoints.cycleWorkItems(item.project_id, a.cycle) : this.endpoints.moduleWorkItems(item.project_id, a.module);
        if (!(await this.linked(path, [item.id], deadline))) return null;
        const link = inCycle ? { cycle_id: a.cycle.toLowerCase() } : { module_id: a.module.toLowerCase() };
        return { ...link, work_item_id: item.id, human_id: item.human_id };
      }
      case 'removeWorkItemFromCycle':
      case 'removeWorkItemFromModule': {
        const a = args as unknown as AddToCycleArgs & AddToModuleArgs;
        const item = await this.resolveWorkItem(a.work_item, a.project, deadline);
        const inCycle = operation === 'removeWorkItemFromCycle';
        const path = inCycle ? this.endpoints.cycleWorkItems(item.project_id, a.cycle) : this.endpoints.moduleWorkItems(item.project_id, a.module);
        if (await this.linked(path, [item.id], deadline)) return null;
        const link = inCycle ? { cycle_id: a.cycle.toLowerCase() } : { module_id: a.module.toLowerCase() };
        return { ...link, work_item_id: item.id, human_id: item.human_id, removed: true };
      }
      case 'addWorkItemLink': {
        const a = args as unknown as AddLinkArgs;
        const item = await this.resolveWorkItem(a.work_item, a.project, deadline);
        const link = (await this.linksOf(item, deadline)).find((l) => sameUrl(l.url, a.url));
        return link ? { link, created: true } : null;
      }
      default:
        throw new GatewayError('internal_error', `No read-back for the Tasker operation ${operation}.`);
    }
  }

  // ---- helpers --------------------------------------------------------------------------

  /** The project list: cached while fresh (confined searches go project by project over it). */
  private async knownProjects(deadline: number): Promise<Project[]> {
    return this.projects.all() ?? this.loadProjects(deadline);
  }

  /** Reads the project list; concurrent callers share one request (a cold cache under load). */
  private loadProjects(deadline: number): Promise<Project[]> {
    this.projectsLoading ??= this.http
      .listAll<PlaneObject>(this.endpoints.projects(), {}, deadline, this.config.maxScanItems)
      .then(({ items }) => {
        const projects = items.map(mapProject);
        this.projects.putAll(projects);
        return projects;
      })
      .finally(() => {
        this.projectsLoading = null;
      });
    return this.projectsLoading;
  }

  private async fetchProject(id: string, deadline: number): Promise<Project> {
    const { body } = await this.http.request<PlaneObject>({ method: 'GET', path: this.endpoints.projectDetail(id), deadline });
    const project = mapProject(body);
    this.projects.put(project);
    return project;
  }

  /** Public projects are listed to non-members; writing there would fail late, so refuse early. */
  private async writableProject(ref: string, deadline: number): Promise<Project> {
    const project = await this.resolveProject(ref, '/project', deadline);
    if (!project.is_member) {
      throw new GatewayError('tasker_forbidden', `The gateway's Tasker user is not a member of project ${project.identifier}.`, { context: { project: project.identifier } });
    }
    return project;
  }

  private async fetchStates(projectId: string, deadline: number): Promise<State[]> {
    const { items } = await this.http.listAll<PlaneObject>(this.endpoints.states(projectId), {}, deadline, this.config.maxScanItems);
    return items.map(mapState);
  }

  private async fetchLabels(projectId: string, deadline: number): Promise<Label[]> {
    const { items } = await this.http.listAll<PlaneObject>(this.endpoints.labels(projectId), {}, deadline, this.config.maxScanItems);
    return items.map(mapLabel);
  }

  private async fetchMembers(projectId: string, deadline: number): Promise<Member[]> {
    const { body } = await this.http.request<unknown>({ method: 'GET', path: this.endpoints.members(projectId), deadline });
    if (!Array.isArray(body)) throw new GatewayError('tasker_unavailable', 'Tasker answered the member list in an unexpected shape.', { context: { reason: 'shape' } });
    return (body as PlaneObject[]).map(mapMember);
  }

  private async fetchCycles(projectId: string, deadline: number): Promise<Cycle[]> {
    const { items } = await this.http.listAll<PlaneObject>(this.endpoints.cycles(projectId), {}, deadline, this.config.maxScanItems);
    const now = Date.now();
    return items.map((c) => mapCycle(c, now));
  }

  private async fetchModules(projectId: string, deadline: number): Promise<Module[]> {
    const { items } = await this.http.listAll<PlaneObject>(this.endpoints.modules(projectId), {}, deadline, this.config.maxScanItems);
    return items.map(mapModule);
  }

  /** The cache of one kind of reference data, with the request that fills it. */
  private reference(kind: 'states', projectId: string, deadline: number): Source<State>;
  private reference(kind: 'labels', projectId: string, deadline: number): Source<Label>;
  private reference(kind: 'members', projectId: string, deadline: number): Source<Member>;
  private reference(kind: 'cycles', projectId: string, deadline: number): Source<Cycle>;
  private reference(kind: 'modules', projectId: string, deadline: number): Source<Module>;
  private reference(kind: 'states' | 'labels' | 'members' | 'cycles' | 'modules', projectId: string, deadline: number): Source<unknown> {
    const sources = {
      states: { cache: this.states, fetch: () => this.fetchStates(projectId, deadline) },
      labels: { cache: this.labels, fetch: () => this.fetchLabels(projectId, deadline) },
      members: { cache: this.members, fetch: () => this.fetchMembers(projectId, deadline) },
      cycles: { cache: this.cycles, fetch: () => this.fetchCycles(projectId, deadline) },
      modules: { cache: this.modules, fetch: () => this.fetchModules(projectId, deadline) },
    } as const;
    return sources[kind] as Source<unknown>;
  }

  /**
   * Resolves a reference against the cached list; when it matches nothing there, the list is read
   * again once before the reference is refused (it may have been created a moment ago).
   */
  private async pick<T, R>(source: Source<T>, projectId: string, find: (values: T[]) => R): Promise<R> {
    const cached = source.cache.peek(projectId);
    if (cached) {
      try {
        return find(cached);
      } catch (err) {
        if (!(isGatewayError(err) && err.code === 'validation_failed')) throw err;
      }
    }
    return find(await source.cache.refresh(projectId, source.fetch));
  }

  private findCycle(projectId: string, ref: string, pointer: string, deadline: number): Promise<Cycle> {
    return this.pick(this.reference('cycles', projectId, deadline), projectId, (cycles) => {
      const cycle = cycles.find((c) => c.id === ref.toLowerCase());
      if (!cycle) throw new GatewayError('validation_failed', 'no such cycle', { fields: [{ pointer, message: 'matches no cycle of the project' }] });
      return cycle;
    }).catch((err) => this.cycleOrModuleMissing(err, 'Cycle', ref));
  }

  private findModule(projectId: string, ref: string, pointer: string, deadline: number): Promise<Module> {
    return this.pick(this.reference('modules', projectId, deadline), projectId, (modules) => {
      const module = modules.find((m) => m.id === ref.toLowerCase());
      if (!module) throw new GatewayError('validation_failed', 'no such module', { fields: [{ pointer, message: 'matches no module of the project' }] });
      return module;
    }).catch((err) => this.cycleOrModuleMissing(err, 'Module', ref));
  }

  /** A cycle or module that is not in the project is not found (pick refreshes on validation_failed only). */
  private cycleOrModuleMissing(err: unknown, what: string, ref: string): never {
    if (isGatewayError(err) && (err.code === 'validation_failed' || err.code === 'not_found')) {
      throw new GatewayError('not_found', `${what} ${ref.toLowerCase()} does not exist in this project or is not visible.`);
    }
    throw err;
  }

  private async linksOf(item: WorkItemPlace, deadline: number): Promise<WorkItemLink[]> {
    const { items } = await this.http.listAll<PlaneObject>(this.endpoints.links(item.project_id, item.id), {}, deadline, this.config.maxScanItems);
    return items.map(mapLink);
  }

  /**
   * A write's answer (a work item with ids) as the tool's work item: the ids are filled in from
   * the cached reference data, what the caches lack is read once, and only if that still leaves a
   * gap is the item read back.
   */
  private async workItemFromAnswer(answer: PlaneObject, project: Project, deadline: number): Promise<WorkItem> {
    const refs = async (refresh: Set<ReferenceKind>) => {
      const load = <T>(kind: 'states' | 'labels' | 'members') => {
        const source = this.reference(kind as 'states', project.id, deadline) as unknown as Source<T>;
        return refresh.has(kind) ? source.cache.refresh(project.id, source.fetch) : source.cache.get(project.id, source.fetch);
      };
      return { states: await load<State>('states'), labels: await load<Label>('labels'), members: await load<Member>('members'), place: (id: string) => this.places.byUuid(id) };
    };
    let expansion = expandWriteAnswer(answer, await refs(new Set()));
    if (expansion.missing && !(expansion.missing.size === 1 && expansion.missing.has('parent'))) expansion = expandWriteAnswer(answer, await refs(expansion.missing));
    if (expansion.expanded) return this.remember(mapWorkItem(expansion.expanded, project.identifier, true));
    return this.getWorkItemById(project.id, String(answer.id), deadline);
  }

  private async buildFilter(projectId: string, args: ListWorkItemsArgs, actor: Actor | undefined, deadline: number): Promise<WorkItemFilter> {
    const filter: WorkItemFilter = {};
    if (args.state_group) filter.stateGroups = new Set(args.state_group);
    if (args.priority) filter.priorities = new Set(args.priority);
    if (args.state !== undefined) filter.stateId = await this.pick(this.reference('states', projectId, deadline), projectId, (s) => findState(s, args.state!, '/state').id);
    if (args.label !== undefined) filter.labelId = await this.pick(this.reference('labels', projectId, deadline), projectId, (l) => findLabel(l, args.label!, '/label').id);
    if (args.assignee !== undefined) filter.assigneeId = await this.pick(this.reference('members', projectId, deadline), projectId, (m) => findMember(m, args.assignee!, actor, '/assignee').id);
    if (args.text !== undefined) filter.text = args.text.toLowerCase();
    if (args.updated_since !== undefined) filter.updatedSinceMs = Date.parse(args.updated_since);
    return filter;
  }

  /** The Plane body for the fields a create or update names, with names and emails resolved to UUIDs. */
  private async workItemBody(project: Project, args: WorkItemFields, actor: Actor, deadline: number): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {};
    if (args.name !== undefined) body.name = args.name;
    if (args.priority !== undefined) body.priority = args.priority;
    if (args.start_date !== undefined) body.start_date = args.start_date;
    if (args.target_date !== undefined) body.target_date = args.target_date;
    if (args.state !== undefined) body.state = await this.pick(this.reference('states', project.id, deadline), project.id, (s) => findState(s, args.state!, '/state').id);
    if (args.labels !== undefined) {
      const refs = args.labels;
      body.labels = refs.length ? await this.pick(this.reference('labels', project.id, deadline), project.id, (l) => refs.map((ref, i) => findLabel(l, ref, `/labels/${i}`).id)) : [];
    }
    if (args.assignees !== undefined) {
      const refs = args.assignees;
      body.assignees = refs.length ? await this.pick(this.reference('members', project.id, deadline), project.id, (m) => refs.map((ref, i) => findMember(m, ref, actor, `/assignees/${i}`).id)) : [];
    }
    if (args.parent !== undefined) body.parent = args.parent === null ? null : await this.parentId(project, args.parent, deadline);
    return body;
  }

  /** The parent is named by human id (or UUID) and must be in the same project, as Plane requires. */
  private async parentId(project: Project, ref: string, deadline: number): Promise<string> {
    return (await this.locateWorkItem(ref, project.id, deadline)).id;
  }

  private async findByExternalId(projectId: string, externalId: string, deadline: number): Promise<string | null> {
    try {
      const { body } = await this.http.request<PlaneObject>({
        method: 'GET', path: this.endpoints.workItems(projectId), query: { external_id: externalId, external_source: this.config.externalSource }, deadline,
      });
      return typeof body?.id === 'string' ? body.id : null;
    } catch (err) {
      if (isGatewayError(err) && err.code === 'not_found') return null;
      throw err;
    }
  }

  /** Plane has no external-id lookup for comments (TASKER_API.md section 9): the item's comments are scanned. */
  private async findCommentByExternalId(projectId: string, workItemId: string, externalId: string, deadline: number): Promise<string | null> {
    const { items } = await this.http.listAll<PlaneObject>(this.endpoints.comments(projectId, workItemId), {}, deadline, this.config.maxScanItems);
    const found = items.find((c) => c.external_id === externalId && c.external_source === this.config.externalSource);
    return typeof found?.id === 'string' ? found.id : null;
  }

  /**
   * POSTs a create carrying an external id, once. A 409 names the object that already has that id:
   * on the first attempt it came from an earlier call (created: false); after a retried attempt
   * (only after answers that show Tasker was done with the first) it is the one this call created.
   */
  private async postOnce(path: ReturnType<Endpoints['workItems']>, body: Record<string, unknown>, deadline: number, fieldPointers: Record<string, string> = WORK_ITEM_FIELD_POINTERS): Promise<Posted> {
    try {
      const { body: created } = await this.http.request<PlaneObject>({ method: 'POST', path, body, deadline, fieldPointers, sendOnce: true });
      if (typeof created?.id !== 'string') throw new GatewayError('tasker_unavailable', 'Tasker answered a create without an id.', { context: { reason: 'shape' } });
      return { id: created.id, created: true, answer: created };
    } catch (err) {
      if (!isGatewayError(err) || err.code !== 'conflict' || typeof err.context?.existing_id !== 'string') throw err;
      return { id: err.context.existing_id, created: Number(err.context.attempts) > 1 };
    }
  }

  /** PATCHes once and returns Plane's answer (the item); a lost answer is settled by reading the item back and comparing. */
  private async patchOnce(projectId: string, workItemId: string, body: Record<string, unknown>, deadline: number, fieldPointers: Record<string, string>): Promise<PlaneObject> {
    return sendAndConfirm(
      async () => (await this.http.request<PlaneObject>({ method: 'PATCH', path: this.endpoints.workItem(projectId, workItemId), body, deadline, fieldPointers, sendOnce: true })).body,
      async (by) => {
        const raw = await this.readRaw(projectId, workItemId, by);
        return carriesFields(raw, body) ? raw : null;
      },
      this.config.confirmMs,
    );
  }

  /**
   * Removes an item from a cycle or module once. Plane answers 404 both for an item that is not
   * in it and for a cycle or module that does not exist; `exists` (read only then) tells them
   * apart. A lost answer is settled by listing the cycle's or module's items.
   */
  private async unlinkOnce(listPath: PlanePath, path: PlanePath, item: WorkItemPlace, deadline: number, exists: () => Promise<unknown>): Promise<boolean> {
    const send = async () => {
      try {
        await this.http.request({ method: 'DELETE', path, deadline, sendOnce: true });
        return true;
      } catch (err) {
        if (!(isGatewayError(err) && err.code === 'not_found')) throw err;
        await exists();
        return Number(err.context?.attempts) > 1;
      }
    };
    return sendAndConfirm(send, async (by) => ((await this.linked(listPath, [item.id], by)) ? null : true), this.config.confirmMs);
  }

  /** Adds items to a cycle or module once; a lost answer is settled by listing the cycle's or module's items. */
  private async linkOnce(path: ReturnType<Endpoints['cycleWorkItems']>, workItemIds: string[], deadline: number): Promise<void> {
    await sendAndConfirm(
      async () => void (await this.http.request({ method: 'POST', path, body: { issues: workItemIds }, deadline, fieldPointers: { issues: '/work_item' }, sendOnce: true })),
      async (by) => ((await this.linked(path, workItemIds, by)) ? undefined : null),
      this.config.confirmMs,
    );
  }

  private async linked(path: ReturnType<Endpoints['cycleWorkItems']>, workItemIds: string[], deadline: number): Promise<boolean> {
    const { items } = await this.http.listAll<PlaneObject>(path, {}, deadline, this.config.maxScanItems);
    const present = new Set(items.map((w) => w.id));
    return workItemIds.every((id) => present.has(id));
  }

  /** True when the item (read without expansion, so ids stay ids) carries every field of a PATCH body. */
  private async carries(projectId: string, workItemId: string, body: Record<string, unknown>, deadline: number): Promise<boolean> {
    return carriesFields(await this.readRaw(projectId, workItemId, deadline), body);
  }

  private async readRaw(projectId: string, workItemId: string, deadline: number): Promise<PlaneObject> {
    const { body } = await this.http.request<PlaneObject>({ method: 'GET', path: this.endpoints.workItem(projectId, workItemId), deadline });
    return body;
  }

  private async workItemGone(projectId: string, workItemId: string, deadline: number): Promise<boolean> {
    try {
      await this.http.request({ method: 'GET', path: this.endpoints.workItem(projectId, workItemId), deadline });
      return false;
    } catch (err) {
      if (isGatewayError(err) && err.code === 'not_found') return true;
      throw err;
    }
  }

  /** A delete by human id landed when the human id no longer resolves; its result cannot be rebuilt. */
  private async humanIdGone(humanId: string): Promise<undefined | null> {
    try {
      await this.getWorkItemByHumanId(humanId);
      return null;
    } catch (err) {
      if (isGatewayError(err) && err.code === 'not_found') return undefined;
      throw err;
    }
  }

  /** The PATCH body of an update: the resolved fields, and the description with its attribution line. */
  private async updateBody(project: Project, args: UpdateWorkItemArgs, actor: Actor, deadline: number): Promise<Record<string, unknown>> {
    const fields = await this.workItemBody(project, args, actor, deadline);
    if (args.description !== undefined) fields.description_html = `${descriptionToHtml(args.description)}${attributionLine(actor, 'Updated')}`;
    return fields;
  }

  private transitionTarget(projectId: string, args: TransitionWorkItemArgs, deadline: number): Promise<string> {
    return this.pick(this.reference('states', projectId, deadline), projectId, (states) =>
      (args.state !== undefined ? findState(states, args.state, '/state') : stateForGroup(states, args.state_group!, '/state_group')).id);
  }

  /**
   * The deadline for reading the result after a write was sent: the write may have used up the
   * operation's deadline waiting for its answer, and reporting a landed write as failed because
   * the read after it ran out of time would be the very dishonesty sendOnce avoids.
   */
  private afterSend(deadline: number): number {
    return Math.max(deadline, Date.now() + this.config.timeoutMs);
  }
}

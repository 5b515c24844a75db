/**
 * The Tasker object a tool result is about, for the audit outcome and the caller: the work item
 * (UUID and human id) and, for comments, the comment. Null for results that name no single object
 * (lists, searches).
 */
export interface TaskerReference {
  work_item_id?: string;
  human_id?: string;
  comment_id?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

function compact(ref: TaskerReference): TaskerReference | null {
  const entries = Object.entries(ref).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as TaskerReference) : null;
}

export function taskerReference(result: unknown): TaskerReference | null {
  if (!isObject(result)) return null;
  if (isObject(result.work_item)) {
    return compact({ work_item_id: text(result.work_item.id), human_id: text(result.work_item.human_id) });
  }
  if (isObject(result.comment)) {
    return compact({ comment_id: text(result.comment.id), work_item_id: text(result.comment.work_item_id) });
  }
  return compact({ work_item_id: text(result.work_item_id), human_id: text(result.human_id) });
}

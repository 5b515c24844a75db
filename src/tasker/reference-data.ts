import { GatewayError } from '../errors/index.js';
import { isUuid } from './ids.js';
import type { Actor, Label, Member, State, StateGroup } from './types.js';

/**
 * Turns what a model naturally says (a state name, a label name, an email or "me") into the
 * UUIDs Tasker wants. Anything that matches nothing is a validation error at the argument's
 * pointer, listing what would have matched.
 */
function unknown(pointer: string, what: string, known: string[]): GatewayError {
  const hint = known.length ? ` Known: ${known.slice(0, 20).join(', ')}.` : '';
  const message = `matches no ${what} of this project.${hint}`;
  return new GatewayError('validation_failed', `The ${what} at ${pointer} does not exist.`, { fields: [{ pointer, message }] });
}

export function findState(states: State[], ref: string, pointer: string): State {
  const wanted = ref.trim().toLowerCase();
  const found = states.find((s) => s.id.toLowerCase() === wanted || s.name.toLowerCase() === wanted);
  if (!found) throw unknown(pointer, 'state', states.map((s) => s.name));
  return found;
}

/** The state a group stands for: the group's default state if it has one, else its first by sequence. */
export function stateForGroup(states: State[], group: StateGroup, pointer: string): State {
  const inGroup = states.filter((s) => s.group === group).sort((a, b) => a.sequence - b.sequence);
  const chosen = inGroup.find((s) => s.is_default) ?? inGroup[0];
  if (!chosen) throw unknown(pointer, 'state group', [...new Set(states.map((s) => s.group))]);
  return chosen;
}

export function findLabel(labels: Label[], ref: string, pointer: string): Label {
  const wanted = ref.trim().toLowerCase();
  const found = labels.find((l) => l.id.toLowerCase() === wanted || l.name.toLowerCase() === wanted);
  if (!found) throw unknown(pointer, 'label', labels.map((l) => l.name));
  return found;
}

/** A member by UUID, by email, or "me" (the agent's owner, matched by email). */
export function findMember(members: Member[], ref: string, actor: Actor | undefined, pointer: string): Member {
  const wanted = (ref.trim().toLowerCase() === 'me' ? (actor?.ownerEmail ?? '') : ref).trim().toLowerCase();
  const found = isUuid(wanted)
    ? members.find((m) => m.id.toLowerCase() === wanted)
    : members.find((m) => (m.email ?? '').toLowerCase() === wanted);
  if (!found) throw unknown(pointer, 'member', members.map((m) => m.email ?? m.display_name));
  return found;
}

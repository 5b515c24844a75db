import { EntitySchema } from '@mikro-orm/core';

/** `'*'` for every project of the workspace, otherwise project identifiers. */
export type GrantProjects = '*' | string[];

/** What an agent may touch: one workspace, some projects, some tools, under constraints. */
export interface Grant {
  id: string;
  agentId: string;
  workspace: string;
  projects: GrantProjects;
  /** Tool names, or the kinds `read`, `write`, `destructive` (standing for every tool of that kind). */
  tools: string[];
  constraints: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
  expiresAt?: Date | null;
  revokedAt?: Date | null;
  revokedBy?: string | null;
}

export const GrantSchema = new EntitySchema<Grant>({
  name: 'Grant',
  tableName: 'grants',
  properties: {
    id: { type: 'uuid', primary: true },
    agentId: { kind: 'm:1', entity: 'Agent', mapToPk: true, fieldName: 'agent_id', index: 'grants_agent_id_index' },
    workspace: { type: 'text' },
    projects: { type: 'json' },
    tools: { type: 'json' },
    constraints: { type: 'json' },
    createdBy: { type: 'text' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    revokedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    revokedBy: { type: 'text', nullable: true },
  },
});

import { EntitySchema } from '@mikro-orm/core';

export type AgentStatus = 'active' | 'suspended' | 'revoked';

/** An agent identity, owned by one human platform user. */
export interface Agent {
  id: string;
  ownerUserId: string;
  ownerEmail: string;
  displayName: string;
  status: AgentStatus;
  createdAt: Date;
  updatedAt: Date;
  revokedAt?: Date | null;
}

export const AgentSchema = new EntitySchema<Agent>({
  name: 'Agent',
  tableName: 'agents',
  properties: {
    id: { type: 'uuid', primary: true },
    ownerUserId: { type: 'text', index: 'agents_owner_user_id_index' },
    ownerEmail: { type: 'text' },
    displayName: { type: 'text' },
    status: { type: 'text', index: 'agents_status_index' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz' },
    revokedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

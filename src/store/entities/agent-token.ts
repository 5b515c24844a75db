import { EntitySchema } from '@mikro-orm/core';

/** An opaque agent token; only its lookup prefix and SHA-256 hash are kept. */
export interface AgentToken {
  id: string;
  agentId: string;
  /** The public lookup part of the token, unique, safe to show. */
  prefix: string;
  /** Hex SHA-256 of the whole token. */
  secretHash: string;
  label: string;
  /** How the token came to be: issued, rotated, pairing_code, device_flow. */
  origin: string;
  createdBy: string;
  createdAt: Date;
  expiresAt?: Date | null;
  revokedAt?: Date | null;
  rotatedToId?: string | null;
  lastUsedAt?: Date | null;
  lastUsedIp?: string | null;
}

export const AgentTokenSchema = new EntitySchema<AgentToken>({
  name: 'AgentToken',
  tableName: 'agent_tokens',
  properties: {
    id: { type: 'uuid', primary: true },
    agentId: { kind: 'm:1', entity: 'Agent', mapToPk: true, fieldName: 'agent_id', index: 'agent_tokens_agent_id_index' },
    prefix: { type: 'text', unique: 'agent_tokens_prefix_unique' },
    secretHash: { type: 'text' },
    label: { type: 'text' },
    origin: { type: 'text' },
    createdBy: { type: 'text' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    revokedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    rotatedToId: { type: 'uuid', nullable: true },
    lastUsedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    lastUsedIp: { type: 'text', nullable: true },
  },
});

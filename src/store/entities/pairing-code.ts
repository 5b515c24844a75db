import { EntitySchema } from '@mikro-orm/core';

/** A one-time code an owner hands to a local agent; exchanged once for a token. */
export interface PairingCode {
  id: string;
  agentId: string;
  /** The first group of the code, used to find the row (not unique: expired codes keep theirs); the code is only stored hashed. */
  lookup: string;
  codeHash: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date | null;
  tokenId?: string | null;
  failedAttempts: number;
  lockedAt?: Date | null;
}

export const PairingCodeSchema = new EntitySchema<PairingCode>({
  name: 'PairingCode',
  tableName: 'pairing_codes',
  properties: {
    id: { type: 'uuid', primary: true },
    agentId: { kind: 'm:1', entity: 'Agent', mapToPk: true, fieldName: 'agent_id', index: 'pairing_codes_agent_id_index' },
    lookup: { type: 'text', index: 'pairing_codes_lookup_index' },
    codeHash: { type: 'text' },
    createdBy: { type: 'text' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz' },
    usedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    tokenId: { type: 'uuid', nullable: true },
    failedAttempts: { type: 'integer', default: 0 },
    lockedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

import { EntitySchema } from '@mikro-orm/core';

/** A one-time code an owner hands to a local agent; exchanged once for a token. */
export interface PairingCode {
  id: string;
  agentId: string;
  /** HMAC-SHA-256 of the whole normalised code under the server key: finds the row (not unique: spent codes keep theirs). */
  codeMac: string;
  /** HMAC of the code's first group under the server key: lets a wrong guess count against the code it nearly matched. */
  groupMac: string;
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
    codeMac: { type: 'text', index: 'pairing_codes_code_mac_index' },
    groupMac: { type: 'text', index: 'pairing_codes_group_mac_index' },
    createdBy: { type: 'text' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz' },
    usedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    tokenId: { type: 'uuid', nullable: true },
    failedAttempts: { type: 'integer', default: 0 },
    lockedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

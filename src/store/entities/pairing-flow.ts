import { EntitySchema } from '@mikro-orm/core';

export type PairingFlowStatus = 'pending' | 'approved' | 'denied' | 'delivered';

/** A device-style pairing flow (RFC 8628 in spirit): the CLI polls, the owner approves. */
export interface PairingFlow {
  id: string;
  /** HMAC-SHA-256 of the flow secret under the server key. */
  secretMac: string;
  /** HMAC-SHA-256 of the normalised user code under the server key: finds the row. */
  userCodeMac: string;
  deviceName: string;
  clientAddress: string;
  status: PairingFlowStatus;
  intervalMs: number;
  lastPolledAt?: Date | null;
  createdAt: Date;
  expiresAt: Date;
  agentId?: string | null;
  decidedBy?: string | null;
  decidedAt?: Date | null;
  tokenId?: string | null;
}

export const PairingFlowSchema = new EntitySchema<PairingFlow>({
  name: 'PairingFlow',
  tableName: 'pairing_flows',
  properties: {
    id: { type: 'uuid', primary: true },
    secretMac: { type: 'text' },
    userCodeMac: { type: 'text', unique: 'pairing_flows_user_code_mac_unique' },
    deviceName: { type: 'text' },
    clientAddress: { type: 'text' },
    status: { type: 'text' },
    intervalMs: { type: 'integer' },
    lastPolledAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz' },
    agentId: { type: 'uuid', nullable: true },
    decidedBy: { type: 'text', nullable: true },
    decidedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    tokenId: { type: 'uuid', nullable: true },
  },
});

import type { EntitySchema } from '@mikro-orm/core';
import { IdempotencyRecordSchema } from './idempotency-record.js';

/** The mediator's tables, for the ORM of whoever runs a Mediator (`createOrm({ entities })` or a gateway extension). */
export const MEDIATOR_ENTITIES: EntitySchema<any>[] = [IdempotencyRecordSchema];

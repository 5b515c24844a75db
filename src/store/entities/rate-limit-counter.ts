import { EntitySchema } from '@mikro-orm/core';

/** A fixed-window counter kept in PostgreSQL so limits hold across gateway instances. */
export interface RateLimitCounter {
  bucket: string;
  windowStart: Date;
  count: number;
}

export const RateLimitCounterSchema = new EntitySchema<RateLimitCounter>({
  name: 'RateLimitCounter',
  tableName: 'rate_limit_counters',
  properties: {
    bucket: { type: 'text', primary: true },
    windowStart: { type: 'datetime', columnType: 'timestamptz', primary: true, index: 'rate_limit_counters_window_start_index' },
    count: { type: 'integer' },
  },
});

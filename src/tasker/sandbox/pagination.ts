/**
 * Plane's offset pagination (TASKER_API.md section 5): `cursor=<per_page>:<page>:<is_prev>`, the
 * page offset computed with the request's `per_page`, and the 12-field envelope whose
 * `next_page_results` is the only reliable "more pages" flag.
 */
import { badRequest } from './http-io.js';

export interface Envelope<T> {
  grouped_by: null;
  sub_grouped_by: null;
  total_count: number;
  next_cursor: string;
  prev_cursor: string;
  next_page_results: boolean;
  prev_page_results: boolean;
  count: number;
  total_pages: number;
  total_results: number;
  extra_stats: null;
  results: T[];
}

export interface PageOptions {
  defaultPerPage: number;
  maxPerPage: number;
}

function perPageOf(query: URLSearchParams, options: PageOptions): number {
  const raw = query.get('per_page');
  if (raw === null || raw === '') return options.defaultPerPage;
  if (!/^-?\d+$/.test(raw.trim())) throw badRequest({ detail: 'Invalid per_page parameter.' });
  const value = Number(raw);
  if (value > options.maxPerPage) throw badRequest({ detail: `Invalid per_page value. Cannot exceed ${options.maxPerPage}.` });
  if (value <= 0) throw badRequest({ detail: 'Invalid per_page parameter.' });
  return value;
}

function pageOf(query: URLSearchParams): number {
  const raw = query.get('cursor');
  if (raw === null || raw === '') return 0;
  const bits = raw.split(':');
  if (bits.length !== 3 || bits.some((b) => !/^-?\d+$/.test(b))) throw badRequest({ detail: 'Invalid cursor parameter.' });
  const page = Number(bits[1]);
  if (page < 0) throw badRequest({ detail: 'Error in parsing' });
  return page;
}

/** Validates `per_page` and `cursor` before any work, as Plane does. */
export function pageRequest(query: URLSearchParams, options: PageOptions): { perPage: number; page: number } {
  return { perPage: perPageOf(query, options), page: pageOf(query) };
}

export function paginate<T>(items: T[], request: { perPage: number; page: number }): Envelope<T> {
  const { perPage, page } = request;
  const offset = page * perPage;
  const results = items.slice(offset, offset + perPage);
  return {
    grouped_by: null,
    sub_grouped_by: null,
    total_count: items.length,
    next_cursor: `${perPage}:${page + 1}:0`,
    prev_cursor: `${perPage}:${page - 1}:1`,
    next_page_results: items.length > offset + perPage,
    prev_page_results: page > 0,
    count: results.length,
    total_pages: Math.ceil(items.length / perPage),
    total_results: items.length,
    extra_stats: null,
    results,
  };
}

import { parseOrThrow } from '@birth-lane/contract';
import { z } from 'zod';

const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400 } as const;

/** The longest a surface may live: a surface is a workshop, not storage. */
export const MAX_TTL_SECONDS = 30 * 86_400;
export const DEFAULT_TTL_SECONDS = 24 * 3600;

/** `90m`, `24h`, `7d` → seconds; 1 minute to 30 days. */
export const ttlSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,5}[mhd]$/, 'must be a duration such as 90m, 24h or 7d')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_SECONDS[text.slice(-1) as keyof typeof UNIT_SECONDS])
  .pipe(z.number().max(MAX_TTL_SECONDS, 'must be at most 30d'));

export function parseTtl(text: string, subject = '--ttl'): number {
  return parseOrThrow(ttlSchema, text, subject);
}

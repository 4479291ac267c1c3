import { ruleSetHashSchema, ruleSetVersionSchema } from '@birth-lane/contract';
import { z } from 'zod';
import { readinessCheckSchema } from './readiness.js';
import { surfaceIdSchema } from './surface-id.js';

/** A surface's manifest as stored in its `manifest` table; read back through this schema. */
export const stagingManifestSchema = z.object({
  id: surfaceIdSchema,
  /** The login that created it (session_user, set by the server). */
  creator: z.string(),
  ruleSetVersion: ruleSetVersionSchema,
  ruleSetHash: ruleSetHashSchema,
  /** `fixtures:<file name>` or `sample:<n>`. */
  source: z.string().regex(/^(fixtures:.+|sample:[0-9]+)$/, 'must be fixtures:<file> or sample:<n>'),
  createdAt: z.date(),
  expiresAt: z.date(),
  readiness: z.array(readinessCheckSchema).length(8),
});
export type StagingManifest = z.infer<typeof stagingManifestSchema>;

export interface ManifestRow {
  id: string;
  creator: string;
  rule_set_version: string;
  rule_set_hash: string;
  source: string;
  created_at: Date;
  expires_at: Date;
  readiness: unknown;
}

export function manifestFromRow(row: ManifestRow): z.ZodSafeParseResult<StagingManifest> {
  return stagingManifestSchema.safeParse({
    id: row.id,
    creator: row.creator,
    ruleSetVersion: row.rule_set_version,
    ruleSetHash: row.rule_set_hash,
    source: row.source,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    readiness: row.readiness,
  });
}

import { type Database, sqlStateOf } from '@birth-lane/contract';
import { type ManifestRow, manifestFromRow, type StagingManifest } from './manifest.js';
import { withStagingRole } from './staging-session.js';
import { SURFACE_SCHEMA_PREFIX, surfaceIdSchema, surfaceTable } from './surface-id.js';

export interface SurfaceSummary {
  readonly manifest: StagingManifest;
  readonly rows: number;
  readonly expired: boolean;
}

/** A surface schema whose manifest cannot be read as one: reported, never a crash, never guessed. */
export interface MalformedSurface {
  readonly schema: string;
  readonly reason: string;
}

export interface SurfaceList {
  readonly surfaces: SurfaceSummary[];
  readonly malformed: MalformedSurface[];
}

/**
 * The staging role's surfaces (schemas bl_stage_*), oldest first, each with its manifest and row
 * count; with `expired`, only those past their expiry. Read as the staging role.
 */
export async function listSurfaces(db: Database, options: { expired?: boolean } = {}): Promise<SurfaceList> {
  return withStagingRole(db, async (connection) => {
    const { rows: schemas } = await connection.query<{ schema: string }>(
      `select n.nspname as schema from pg_catalog.pg_namespace n join pg_catalog.pg_roles r on r.oid = n.nspowner
        where n.nspname like 'bl\\_stage\\_%' and r.rolname = 'birth_lane_staging' order by n.oid`,
    );
    const surfaces: SurfaceSummary[] = [];
    const malformed: MalformedSurface[] = [];
    for (const { schema } of schemas) {
      const id = surfaceIdSchema.safeParse(schema.slice(SURFACE_SCHEMA_PREFIX.length));
      if (!id.success) {
        malformed.push({ schema, reason: 'its name does not end in a surface id (12 hex characters)' });
        continue;
      }
      let found: { rows: (ManifestRow & { count: string; expired: boolean })[] };
      try {
        found = await connection.query(
          `select m.id, m.creator, m.rule_set_version, m.rule_set_hash, m.source, m.created_at, m.expires_at, m.readiness,
                  (select count(*) from ${surfaceTable(id.data, 'input')})::text as count, m.expires_at < now() as expired
             from ${surfaceTable(id.data, 'manifest')} m`,
        );
      } catch (error) {
        // A schema someone reshaped by hand (tables missing, columns renamed or retyped): syntax or
        // access-rule errors (class 42) and data exceptions (class 22) mean "not a surface's tables".
        const state = sqlStateOf(error) ?? '';
        if (!state.startsWith('42') && !state.startsWith('22')) throw error;
        malformed.push({ schema, reason: `its tables are not a surface's (${(error as Error).message})` });
        continue;
      }
      const row = found.rows[0];
      if (found.rows.length !== 1 || row === undefined) {
        malformed.push({ schema, reason: `its manifest holds ${found.rows.length} rows, not one` });
        continue;
      }
      const manifest = manifestFromRow(row);
      if (!manifest.success || manifest.data.id !== id.data) {
        malformed.push({
          schema,
          reason: manifest.success
            ? `its manifest names surface ${manifest.data.id}`
            : `its manifest is malformed: ${manifest.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
        });
        continue;
      }
      if (options.expired && !row.expired) continue;
      surfaces.push({ manifest: manifest.data, rows: Number(row.count), expired: row.expired });
    }
    return { surfaces, malformed };
  });
}

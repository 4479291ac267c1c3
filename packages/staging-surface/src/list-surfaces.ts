import { type Database, type PooledConnection, quoteIdentifier, sqlStateOf } from '@birth-lane/contract';
import { type ManifestRow, manifestFromRow, type StagingManifest } from './manifest.js';
import { withStagingRole } from './staging-session.js';
import {
  SURFACE_SCHEMA_PREFIX,
  type SurfaceId,
  surfaceIdSchema,
  surfaceRole,
  surfaceTable,
} from './surface-id.js';

export interface SurfaceSummary {
  readonly manifest: StagingManifest;
  /** Rows in its input; null for a surface this login does not hold (another login's). */
  readonly rows: number | null;
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
 * Every surface (schemas bl_stage_*), oldest first, each with its manifest and, for the login's own
 * surfaces, its row count; with `expired`, only those past their expiry (server time). Manifests
 * are read as the staging role (every member may list them); a row count as the surface's role.
 * A schema with no readable manifest (an earlier install's, or reshaped by hand) is malformed.
 */
export async function listSurfaces(db: Database, options: { expired?: boolean } = {}): Promise<SurfaceList> {
  return withStagingRole(db, async (connection) => {
    const { rows: schemas } = await connection.query<{ schema: string }>(
      `select n.nspname as schema from pg_catalog.pg_namespace n where n.nspname like 'bl\\_stage\\_%' order by n.oid`,
    );
    const surfaces: SurfaceSummary[] = [];
    const malformed: MalformedSurface[] = [];
    for (const { schema } of schemas) {
      const id = surfaceIdSchema.safeParse(schema.slice(SURFACE_SCHEMA_PREFIX.length));
      if (!id.success) {
        malformed.push({ schema, reason: 'its name does not end in a surface id (12 hex characters)' });
        continue;
      }
      let found: { rows: (ManifestRow & { expired: boolean; mine: boolean })[] };
      try {
        found = await connection.query(
          `select m.id, m.creator, m.rule_set_version, m.rule_set_hash, m.source, m.created_at, m.expires_at, m.readiness,
                  m.expires_at < clock_timestamp() as expired,
                  pg_catalog.pg_has_role(session_user, $1::text, 'MEMBER') as mine
             from ${surfaceTable(id.data, 'manifest')} m`,
          [surfaceRole(id.data)],
        );
      } catch (error) {
        // A schema someone reshaped by hand (tables missing, columns renamed or retyped): syntax or
        // access-rule errors (class 42) and data exceptions (class 22) mean "not a surface's tables".
        const state = sqlStateOf(error) ?? '';
        if (!state.startsWith('42') && !state.startsWith('22')) throw error;
        malformed.push({
          schema,
          reason: `its manifest cannot be read (${(error as Error).message}); drop it: birth-lane staging drop ${id.data}`,
        });
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
      const rows = row.mine ? await countRows(connection, id.data) : null;
      surfaces.push({ manifest: manifest.data, rows, expired: row.expired });
    }
    return { surfaces, malformed };
  });
}

/** The input's row count, read as the surface's own role (only it may read the input). */
async function countRows(connection: PooledConnection, surfaceId: SurfaceId): Promise<number | null> {
  await connection.query('begin');
  try {
    await connection.query(`set local role ${quoteIdentifier(surfaceRole(surfaceId))}`);
    const { rows } = await connection.query<{ count: string }>(
      `select count(*)::text as count from ${surfaceTable(surfaceId, 'input')}`,
    );
    return Number(rows[0]!.count);
  } catch (error) {
    const state = sqlStateOf(error) ?? '';
    if (!state.startsWith('42') && !state.startsWith('22')) throw error;
    return null;
  } finally {
    await connection.query('rollback');
  }
}

import {
  type Database,
  type InspectionCompiler,
  type PooledConnection,
  parseOrThrow,
  quoteIdentifier,
  ValidationError,
  type ValidationIssue,
} from '@birth-lane/contract';
import { z } from 'zod';
import { type FixtureFormat, type FixtureRow, parseFixtures } from './fixtures.js';
import { type ManifestRow, manifestFromRow, type StagingManifest } from './manifest.js';
import { checkReadiness } from './readiness.js';
import { type RuleSetChoice, resolveRuleSet } from './resolve-rule-set.js';
import {
  CREATE_STAGING_SURFACE_SQL,
  insertFixtureRowsSql,
  SEAL_STAGING_SURFACE_SQL,
  selectManifestSql,
} from './sql/create-surface-tables.js';
import {
  CREATE_SAMPLE_TABLE_SQL,
  copySampleSql,
  DROP_SAMPLE_TABLE_SQL,
  SAMPLE_ROWS_SQL,
  SELECT_SAMPLE_START_SQL,
} from './sql/sample-registry.js';
import { StagingReadinessError } from './staging-errors.js';
import { withStagingRole } from './staging-session.js';
import { type SurfaceId, surfaceIdSchema, surfaceRole, surfaceSchema, surfaceTable } from './surface-id.js';
import { DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS } from './ttl.js';

/** The default bound of a sample or a fixtures file; a surface is a workshop, not a second registry. */
export const MAX_SURFACE_ROWS = 100_000;
/** Fixture rows per INSERT: one statement stays far inside a 5 s statement_timeout. */
const FIXTURE_CHUNK = 5_000;

export type SurfaceInput =
  | { readonly kind: 'sample'; readonly size: number }
  | {
      readonly kind: 'fixtures';
      /** Shown in the manifest's source (`fixtures:<name>`) and in every error. */
      readonly fileName: string;
      readonly text: string;
      readonly format: FixtureFormat;
      /** Keep rows production would refuse or could not judge as written, as deliberate bad input (never fixed). */
      readonly keepBadRows?: boolean;
    };

export interface CreateSurfaceOptions {
  readonly compiler: InspectionCompiler;
  readonly input: SurfaceInput;
  /** Default: the rule set production's inspection is compiled from. */
  readonly ruleSet?: RuleSetChoice;
  readonly ttlSeconds?: number;
  /** Default MAX_SURFACE_ROWS. */
  readonly maxRows?: number;
}

export interface BadRow {
  readonly line: number;
  readonly id: string;
  readonly issues: readonly ValidationIssue[];
}

export interface CreatedSurface {
  readonly surfaceId: SurfaceId;
  readonly schema: string;
  readonly manifest: StagingManifest;
  /** Rows loaded into the surface's input. */
  readonly loaded: number;
  /** Rows kept as deliberate bad input (--keep-bad-rows); empty otherwise. */
  readonly badRows: readonly BadRow[];
}

const optionsSchema = z.object({
  ttlSeconds: z
    .number()
    .int()
    .min(60, 'must be at least 1 minute')
    .max(MAX_TTL_SECONDS, 'must be at most 30 days'),
  maxRows: z.number().int().min(1).max(1_000_000),
});

/**
 * Creates a staging surface: resolves the rule set (SR-8), checks readiness SR-1 … SR-8 as the
 * staging role inside a READ ONLY transaction, then, in one transaction, creates the surface
 * (birth_lane.create_staging_surface: its role, schema, manifest and tables, owned by the lane
 * owner), loads the input as the surface's own role and seals it (production's stud guard,
 * no more INSERT): a failure anywhere leaves nothing, so no schema is ever left half-made. Fixtures are validated first: a row that cannot be stored is
 * always refused; a row production would refuse or could not judge as written is refused unless
 * keepBadRows (an out-of-scope row with a known governance role, such as observed, is loaded).
 */
export async function createSurface(db: Database, options: CreateSurfaceOptions): Promise<CreatedSurface> {
  const { ttlSeconds, maxRows } = parseOrThrow(
    optionsSchema,
    { ttlSeconds: options.ttlSeconds ?? DEFAULT_TTL_SECONDS, maxRows: options.maxRows ?? MAX_SURFACE_ROWS },
    'staging surface options',
  );
  const input = options.input;
  let fixtureRows: FixtureRow[] = [];
  if (input.kind === 'sample') {
    parseOrThrow(z.number().int().min(1).max(maxRows, `must be at most ${maxRows}`), input.size, '--sample');
  } else {
    fixtureRows = validFixtures(
      input.fileName,
      input.text,
      input.format,
      input.keepBadRows === true,
      maxRows,
    );
  }

  // The store and the compiled inspection are read with the caller's privileges, not the staging role's.
  const { resolution, resolved } = await resolveRuleSet(
    db,
    options.compiler,
    options.ruleSet ?? { kind: 'compiled' },
  );

  return withStagingRole(db, async (connection) => {
    await connection.query('begin isolation level repeatable read read only');
    const readiness = await checkReadiness(connection, resolution);
    await connection.query('commit');
    const failed = readiness.filter((check) => !check.ok);
    if (failed.length > 0 || resolved === null) throw new StagingReadinessError(failed);

    if (input.kind === 'sample') await sampleInto(connection, input.size);
    try {
      await connection.query('begin');
      // One definer call makes the surface whole (role, schema, manifest, tables) with the
      // server's id, creator and times; the rest of this transaction loads it as its own role.
      const source = input.kind === 'sample' ? `sample:${input.size}` : `fixtures:${input.fileName}`;
      const { rows } = await connection.query<{ id: string }>(CREATE_STAGING_SURFACE_SQL, [
        resolved.ruleSet.version,
        resolved.hash,
        JSON.stringify(resolved.ruleSet),
        source,
        ttlSeconds,
        JSON.stringify(readiness),
      ]);
      const surfaceId = parseOrThrow(surfaceIdSchema, rows[0]?.id, 'surface id from the server');
      const manifestRows = await connection.query<ManifestRow>(selectManifestSql(surfaceId));
      const manifest = manifestFromRow(manifestRows.rows[0]!);
      if (!manifest.success)
        throw new Error(`the manifest just written does not read back: ${manifest.error.message}`);
      // SET LOCAL: back to the staging role at commit or rollback (the sample table is its own).
      await connection.query(`set local role ${quoteIdentifier(surfaceRole(surfaceId))}`);

      let loaded = 0;
      if (input.kind === 'sample') {
        loaded = (await connection.query(copySampleSql(surfaceTable(surfaceId, 'input')))).rowCount ?? 0;
      } else {
        for (let start = 0; start < fixtureRows.length; start += FIXTURE_CHUNK) {
          const chunk = fixtureRows.slice(start, start + FIXTURE_CHUNK).map((row) => ({
            ...row.fields,
            id: row.id,
            bad_input: row.issues.length > 0 ? { line: row.line, issues: row.issues } : null,
          }));
          loaded +=
            (await connection.query(insertFixtureRowsSql(surfaceId), [JSON.stringify(chunk)])).rowCount ?? 0;
        }
      }
      await connection.query(SEAL_STAGING_SURFACE_SQL, [surfaceId]);
      await connection.query('commit');
      return {
        surfaceId,
        schema: surfaceSchema(surfaceId),
        manifest: manifest.data,
        loaded,
        badRows: fixtureRows
          .filter((row) => row.issues.length > 0)
          .map((row) => ({ line: row.line, id: String(row.id), issues: row.issues })),
      };
    } finally {
      // withStagingRole rolls back whatever is still open; the sample table goes either way.
      await connection.query('rollback').catch(() => undefined);
      await connection.query(DROP_SAMPLE_TABLE_SQL);
    }
  });
}

function validFixtures(
  fileName: string,
  text: string,
  format: FixtureFormat,
  keepBadRows: boolean,
  maxRows: number,
): FixtureRow[] {
  const subject = `fixtures ${fileName}`;
  const { rows, shapeIssues } = parseFixtures(text, format);
  if (shapeIssues.length > 0) throw new ValidationError(subject, shapeIssues);
  if (rows.length === 0)
    throw new ValidationError(subject, [{ field: '(file)', rule: 'min', message: 'holds no rows' }]);
  if (rows.length > maxRows)
    throw new ValidationError(subject, [
      {
        field: '(file)',
        rule: 'max',
        message: `holds ${rows.length} rows; a surface takes at most ${maxRows}`,
      },
    ]);
  const bad = rows.flatMap((row) => row.issues);
  if (bad.length > 0 && !keepBadRows) {
    throw new ValidationError(
      `${subject} (rows production's inspection would refuse or could not judge as written: no or ill-shaped entity_code, no collection_name, an unknown governance_role, certified, ambiguous stamps; pass --keep-bad-rows to keep them as deliberate bad input. Rows with a known governance_role outside scope, such as observed, are loaded and counted as skipped by the run)`,
      bad,
    );
  }
  return rows;
}

/**
 * Reads up to `size` uncertified governed production rows into the session's temporary table, in a
 * REPEATABLE READ READ ONLY transaction: from a random id upwards along the primary key, then, if
 * the end came first, from the start up to that id.
 */
async function sampleInto(connection: PooledConnection, size: number): Promise<void> {
  await connection.query(DROP_SAMPLE_TABLE_SQL);
  await connection.query(CREATE_SAMPLE_TABLE_SQL);
  await connection.query('begin isolation level repeatable read read only');
  const { rows } = await connection.query<{ start: string }>(SELECT_SAMPLE_START_SQL);
  const start = rows[0]?.start;
  if (start !== undefined) {
    const first = await connection.query(SAMPLE_ROWS_SQL, [start, size, '9223372036854775807']);
    const taken = first.rowCount ?? 0;
    if (taken < size) await connection.query(SAMPLE_ROWS_SQL, ['-9223372036854775808', size - taken, start]);
  }
  await connection.query('commit');
}

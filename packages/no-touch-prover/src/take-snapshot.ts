import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Database,
  type PooledConnection,
  type ProductionSnapshot,
  parseOrThrow,
  productionSnapshotSchema,
  quoteIdentifier,
  quoteLiteral,
  RECENT_VERSIONS_LIMIT,
  REGISTRY_TABLE,
  SNAPSHOT_VERSION,
  ValidationError,
  WATCHED_GROUPS,
  WRITTEN_IDS_LIMIT,
} from '@birth-lane/contract';
import {
  addInto,
  type BucketFigures,
  FIGURE,
  groupChecksum,
  sumIndex,
  toEntries,
  totalOf,
} from './bucket-figures.js';
import { DEFAULT_KG_TABLES, parseKgTables } from './kg-tables.js';
import { parseSnapshot } from './parse-snapshot.js';
import {
  type RegistryChunkRow,
  registryChunkSql,
  SNAPSHOT_SESSION_SETTINGS,
} from './sql/read-registry-chunk.js';
import {
  READ_SNAPSHOT_HEADER_SQL,
  READ_WRITE_COUNTERS_SQL,
  READ_XACT_COMMIT_SQL,
  RESOLVE_TABLE_SQL,
  type SnapshotHeaderRow,
} from './sql/read-snapshot-header.js';

/** Ids per bucket unless told otherwise: about 1,200 buckets (a few hundred kB) for 1.2 M rows. */
export const DEFAULT_BUCKET_SIZE = 1024;
/** Rows a chunk statement aims at: about 0.15 s each on the benchmark machine, far inside 5 s. */
export const DEFAULT_CHUNK_ROWS = 100_000;

export interface SnapshotProgress {
  readonly chunksDone: number;
  readonly chunks: number;
  readonly rowsDone: number;
  /** From the table's statistics: a guide for a progress bar, not a figure of the snapshot. */
  readonly rowsEstimated: number;
}

export interface TakeSnapshotOptions {
  /** Knowledge-graph tables to count (NT-5); default `universal_edges`, `provenance`. */
  readonly kgTables?: readonly string[];
  /** Called after each chunk; a returned promise is awaited before the next chunk of that session. */
  readonly onProgress?: (progress: SnapshotProgress) => void | Promise<void>;
  /** Ids per bucket, 2 to 4096 (default 1024). Only snapshots with the same size compare. */
  readonly bucketSize?: number;
  /** Sessions reading chunks at once, sharing one exported snapshot (default 2). */
  readonly sessions?: 1 | 2;
  /** Rows per chunk statement (default 100,000). */
  readonly chunkRows?: number;
  /**
   * The rehearsal's "before" snapshot, when this is its "after": its salt is reused (the two
   * compare only with the same salt), and every registry row written since it is counted and
   * listed (`since`). Without it, a new random salt is chosen.
   */
  readonly since?: ProductionSnapshot;
}

/**
 * A snapshot of public.birth_registry: counts and order-independent checksums of every watched
 * column group, per-bucket figures to locate a change later, KG table counts and the server's
 * write counters. One pass over the table in chunks of physical pages, every chunk under one
 * `repeatable read, read only` snapshot (the second session imports the first one's exported
 * snapshot, as `pg_dump -j` does), so all figures describe one consistent state. Needs only
 * SELECT on the registry (and on the KG tables that exist): it writes nothing.
 */
export async function takeSnapshot(
  db: Database,
  options: TakeSnapshotOptions = {},
): Promise<ProductionSnapshot> {
  const bucketSize = options.bucketSize ?? DEFAULT_BUCKET_SIZE;
  if (!Number.isInteger(bucketSize) || bucketSize < 2 || bucketSize > 4096)
    throw new ValidationError('snapshot options', [
      {
        field: 'bucketSize',
        rule: 'range',
        message: `must be a whole number from 2 to 4096, got ${bucketSize}`,
      },
    ]);
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1)
    throw new ValidationError('snapshot options', [
      { field: 'chunkRows', rule: 'min', message: `must be a whole number of at least 1, got ${chunkRows}` },
    ]);
  const kgTables = parseKgTables(options.kgTables ?? DEFAULT_KG_TABLES);
  const since =
    options.since === undefined ? undefined : parseSnapshot(options.since, 'since (the before snapshot)');
  if (since && since.recentVersions === null)
    throw new ValidationError('snapshot options', [
      {
        field: 'since.recentVersions',
        rule: 'required',
        message: 'is null: that snapshot was itself an "after" one and cannot serve as a before',
      },
    ]);
  if (since && since.buckets.size !== bucketSize)
    throw new ValidationError('snapshot options', [
      {
        field: 'bucketSize',
        rule: 'same_as_since',
        message: `is ${bucketSize} but the before snapshot has ${since.buckets.size}: the two could not be compared`,
      },
    ]);
  const salt = since?.salt ?? newSalt();
  const started = performance.now();
  const sessions: PooledConnection[] = [];
  try {
    const lead = await openReadOnly(db, sessions);
    const header = (await lead.query<SnapshotHeaderRow>(READ_SNAPSHOT_HEADER_SQL)).rows[0]!;
    const takenAt = (await lead.query<{ now: Date }>('select now() as now')).rows[0]!.now;
    const transactionSnapshot = (
      await lead.query<{ snapshot: string }>('select pg_catalog.pg_current_snapshot()::text as snapshot')
    ).rows[0]!.snapshot;
    // The xmin (as a 32-bit xid) whose younger row versions are "recent": the before's own, or this one's.
    const recentFrom = xid32(xminOf(since?.transactionSnapshot ?? transactionSnapshot));
    const recentKeys = since ? since.recentVersions!.keys : null;
    const chunks = cutIntoChunks(Number(header.pages), header.estimated_rows, chunkRows);
    if ((options.sessions ?? 2) === 2 && chunks.length > 1) {
      const { rows } = await lead.query<{ id: string }>('select pg_catalog.pg_export_snapshot() as id');
      await openReadOnly(db, sessions, rows[0]!.id);
    }

    const buckets = new Map<bigint, BucketFigures>();
    const marked: string[] = [];
    let markedCount = 0;
    let chunksDone = 0;
    let rowsDone = 0;
    let next = 0;
    const work = async (session: PooledConnection) => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        const sql = registryChunkSql({ upperBound: chunk.to !== null, since: since !== undefined });
        const values: unknown[] = [
          tid(chunk.from),
          chunk.to === null ? null : tid(chunk.to),
          bucketSize,
          salt,
          recentFrom,
        ];
        if (recentKeys) values.push(recentKeys);
        const { rows } = await session.query<RegistryChunkRow>(sql, values);
        for (const row of rows) {
          markedCount += Number(row.marked);
          if (row.marked_as) marked.push(...row.marked_as);
          const figures = figuresOf(row);
          const known = buckets.get(figures[0]!);
          if (known) addInto(known, figures);
          else buckets.set(figures[0]!, figures);
          rowsDone += Number(row.rows);
        }
        chunksDone += 1;
        await options.onProgress?.({
          chunksDone,
          chunks: chunks.length,
          rowsDone,
          rowsEstimated: header.estimated_rows,
        });
      }
    };
    await Promise.all(sessions.map(work));

    const kgTableCounts: Record<string, number | null> = {};
    const watched = new Map<string, string>();
    const registryOid = await resolveTable(lead, REGISTRY_TABLE);
    if (registryOid) watched.set(REGISTRY_TABLE, registryOid);
    for (const name of kgTables) {
      const oid = await resolveTable(lead, name);
      if (oid === null) {
        kgTableCounts[name] = null;
        continue;
      }
      watched.set(name, oid);
      kgTableCounts[name] = await countRows(lead, quoteName(name), oid, chunkRows * 10);
    }
    const writeCounters = await readWriteCounters(lead, watched);
    for (const session of sessions) await session.query('commit');

    const entries = toEntries(buckets);
    // Chunks come back in any order: list by id, so the first ones listed are the lowest ids.
    const byId = (key: string) => BigInt(key.split(':')[0]!);
    // Measured after the scan, still inside its transaction: a session writing the registry holds
    // its write lock until it commits, so a write neither snapshot could see shows up here.
    const pendingWriters = since ? await countPendingWriters(lead) : 0;
    marked.sort((a, b) => (byId(a) < byId(b) ? -1 : byId(a) > byId(b) ? 1 : 0));
    const snapshot = {
      format: 'birth-lane.production-snapshot',
      version: SNAPSHOT_VERSION,
      snapshotId: randomUUID(),
      salt,
      transactionSnapshot,
      since: since
        ? {
            snapshotId: since.snapshotId,
            transactionSnapshot: since.transactionSnapshot,
            writtenRows: markedCount,
            writtenIds: marked.slice(0, WRITTEN_IDS_LIMIT),
            pendingWriters,
          }
        : null,
      takenAt,
      takenBy: header.taken_by,
      database: header.database,
      serverVersion: header.server_version,
      table: REGISTRY_TABLE,
      seconds: Math.round(performance.now() - started) / 1000,
      rowCount: totalOf(entries, FIGURE.rows),
      maxId: header.max_id,
      stampCounts: {
        pen: totalOf(entries, FIGURE.penCount),
        stamp: totalOf(entries, FIGURE.stampCount),
        gate: totalOf(entries, FIGURE.gateCount),
      },
      stampChecksums: {
        pen: groupChecksum(entries, 'pen', bucketSize),
        stamp: groupChecksum(entries, 'stamp', bucketSize),
        gate: groupChecksum(entries, 'gate', bucketSize),
      },
      certifiedCount: totalOf(entries, FIGURE.certifiedCount),
      certifiedAtCount: totalOf(entries, FIGURE.certifiedAtCount),
      certifiedChecksum: groupChecksum(entries, 'certified', bucketSize),
      canonicalChecksum: groupChecksum(entries, 'canonical', bucketSize),
      identityChecksum: groupChecksum(entries, 'identity', bucketSize),
      kgTableCounts,
      writeCounters,
      buckets: { size: bucketSize, groups: [...WATCHED_GROUPS], entries },
      recentVersions: since
        ? null
        : { complete: markedCount <= RECENT_VERSIONS_LIMIT, keys: marked.slice(0, RECENT_VERSIONS_LIMIT) },
    };
    return parseOrThrow(productionSnapshotSchema, snapshot, 'production snapshot');
  } catch (error) {
    for (const session of sessions) await session.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    for (const session of sessions) session.release();
  }
}

/** A random positive 63-bit salt as decimal text (a bigint hash seed). */
function newSalt(): string {
  const value = randomBytes(8).readBigUInt64BE() & 0x7fff_ffff_ffff_ffffn;
  return String(value === 0n ? 1n : value);
}

/** The xmin of a transaction snapshot `xmin:xmax:xip`. */
function xminOf(snapshot: string): bigint {
  return BigInt(snapshot.split(':')[0]!);
}

/** A full (64-bit) transaction id as the 32-bit xid a row's xmin holds. */
function xid32(xid8: bigint): string {
  return String(xid8 % 4_294_967_296n);
}

/** Opens a `repeatable read, read only` transaction, importing `snapshotId` when given. */
async function openReadOnly(
  db: Database,
  sessions: PooledConnection[],
  snapshotId?: string,
): Promise<PooledConnection> {
  const session = await db.connect();
  sessions.push(session);
  await session.query('begin isolation level repeatable read, read only');
  // Must be the transaction's first statement; the id comes from pg_export_snapshot, quoted anyway.
  if (snapshotId !== undefined) await session.query(`set transaction snapshot ${quoteLiteral(snapshotId)}`);
  for (const [name, value] of Object.entries(SNAPSHOT_SESSION_SETTINGS))
    await session.query('select pg_catalog.set_config($1, $2, true)', [name, value]);
  return session;
}

interface Chunk {
  readonly from: number;
  /** Exclusive; null: to the end of the table. */
  readonly to: number | null;
}

/** Page ranges of about `chunkRows` rows each; the last one open-ended. */
export function cutIntoChunks(pages: number, estimatedRows: number, chunkRows: number): Chunk[] {
  const rowsPerPage = pages > 0 && estimatedRows > 0 ? estimatedRows / pages : 50;
  const pagesPerChunk = Math.max(1, Math.floor(chunkRows / Math.max(1, rowsPerPage)));
  const chunks: Chunk[] = [];
  for (let from = 0; from + pagesPerChunk < pages; from += pagesPerChunk)
    chunks.push({ from, to: from + pagesPerChunk });
  chunks.push({ from: chunks.length * pagesPerChunk, to: null });
  return chunks;
}

/**
 * A KG table's row count, in page chunks like the registry's (a count reads ten times faster
 * than a hashing pass, hence ten times the rows a chunk), so a large provenance table never runs
 * one statement past the statement timeout.
 */
async function countRows(
  session: PooledConnection,
  table: string,
  oid: string,
  chunkRows: number,
): Promise<number> {
  const { rows: size } = await session.query<{ pages: string; estimated_rows: number; heap: boolean }>(
    `select pg_relation_size($1::oid::regclass) / current_setting('block_size')::bigint as pages,
            greatest(reltuples, 0)::float8 as estimated_rows, relkind in ('r', 'm') as heap
       from pg_catalog.pg_class where oid = $1::oid`,
    [oid],
  );
  // A view, a partitioned or a foreign table has no pages of its own to cut: one count.
  if (!size[0]!.heap) {
    const { rows } = await session.query<{ n: string }>(`select count(*)::text as n from ${table}`);
    return Number(rows[0]!.n);
  }
  let total = 0;
  for (const chunk of cutIntoChunks(Number(size[0]!.pages), size[0]!.estimated_rows, chunkRows)) {
    const { rows } =
      chunk.to === null
        ? await session.query<{ n: string }>(
            `select count(*)::text as n from ${table} where ctid >= $1::tid`,
            [tid(chunk.from)],
          )
        : await session.query<{ n: string }>(
            `select count(*)::text as n from ${table} where ctid >= $1::tid and ctid < $2::tid`,
            [tid(chunk.from), tid(chunk.to)],
          );
    total += Number(rows[0]!.n);
  }
  return total;
}

function tid(page: number): string {
  return `(${page},0)`;
}

function figuresOf(row: RegistryChunkRow): BucketFigures {
  const figures: bigint[] = [];
  figures[FIGURE.bucket] = BigInt(row.bucket);
  figures[FIGURE.rows] = BigInt(row.rows);
  figures[FIGURE.penCount] = BigInt(row.pen_count);
  figures[FIGURE.stampCount] = BigInt(row.stamp_count);
  figures[FIGURE.gateCount] = BigInt(row.gate_count);
  figures[FIGURE.certifiedCount] = BigInt(row.certified_count);
  figures[FIGURE.certifiedAtCount] = BigInt(row.certified_at_count);
  figures[sumIndex('pen')] = BigInt(row.sum_pen);
  figures[sumIndex('stamp')] = BigInt(row.sum_stamp);
  figures[sumIndex('gate')] = BigInt(row.sum_gate);
  figures[sumIndex('certified')] = BigInt(row.sum_certified);
  figures[sumIndex('canonical')] = BigInt(row.sum_canonical);
  figures[sumIndex('identity')] = BigInt(row.sum_identity);
  figures[FIGURE.position] = BigInt(row.position);
  return figures;
}

function quoteName(qualified: string): string {
  return qualified
    .split('.')
    .map((part) => quoteIdentifier(part))
    .join('.');
}

async function resolveTable(session: PooledConnection, qualified: string): Promise<string | null> {
  const { rows } = await session.query<{ oid: string | null }>(RESOLVE_TABLE_SQL, [quoteName(qualified)]);
  return rows[0]?.oid ?? null;
}

async function readWriteCounters(
  session: PooledConnection,
  watched: ReadonlyMap<string, string>,
): Promise<ProductionSnapshot['writeCounters']> {
  const { rows } = await session.query<{ oid: string; inserted: string; updated: string; deleted: string }>(
    READ_WRITE_COUNTERS_SQL,
    [[...watched.values()]],
  );
  const tables: Record<string, { inserted: number; updated: number; deleted: number } | null> = {};
  for (const [name, oid] of watched) {
    const row = rows.find((candidate) => candidate.oid === oid);
    tables[name] = row
      ? { inserted: Number(row.inserted), updated: Number(row.updated), deleted: Number(row.deleted) }
      : null;
  }
  const commits = (await session.query<{ xact_commit: string }>(READ_XACT_COMMIT_SQL)).rows[0];
  return {
    tables,
    xactCommit: commits ? Number(commits.xact_commit) : null,
    note: 'pg_stat counters are flushed asynchronously (up to seconds after a write); a moved counter with every checksum unchanged makes a verdict INCONCLUSIVE, never FAIL',
  };
}

/**
 * Other sessions holding a write lock (INSERT, UPDATE, DELETE take RowExclusiveLock until their
 * transaction ends) on the registry: their uncommitted writes are invisible to every snapshot and
 * may commit after the rehearsal, so a proof cannot vouch for the window while one is open.
 */
async function countPendingWriters(session: PooledConnection): Promise<number> {
  const { rows } = await session.query<{ writers: number }>(
    `select count(distinct l.pid)::int as writers
       from pg_catalog.pg_locks l
      where l.locktype = 'relation' and l.relation = $1::regclass and l.granted
        and l.mode in ('RowExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
        and l.pid <> pg_catalog.pg_backend_pid()`,
    [REGISTRY_TABLE],
  );
  return rows[0]!.writers;
}

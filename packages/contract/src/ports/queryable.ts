/**
 * The database port: the small subset of `pg` the blocks need. A `pg.Pool` or `pg.Client`
 * satisfies it structurally, so blocks never import `pg`; only the app creates connections.
 */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number | null;
}

export interface Queryable {
  /** Optional on purpose: `pg` objects do not carry it, yet must fit the port. */
  readonly specificationVersion?: 'v1';
  // biome-ignore lint/suspicious/noExplicitAny: mirrors pg's own default row type so pg.Pool fits.
  query<R extends Record<string, any> = Record<string, any>>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>>;
}

/** A connection checked out of a pool: every statement runs on the same session (needed for transactions). */
export interface PooledConnection extends Queryable {
  release(error?: Error | boolean): void;
}

/** A pool: the port for work that needs transactions or concurrency. `pg.Pool` fits it. */
export interface Database extends Queryable {
  connect(): Promise<PooledConnection>;
}

export const QUERYABLE_SPECIFICATION_VERSION = 'v1' as const;

/**
 * Runs `work` inside BEGIN … COMMIT on one connection, rolling back on any error. Settings given
 * are applied with SET LOCAL, so they end with the transaction (e.g. statement_timeout).
 */
export async function withTransaction<T>(
  db: Database,
  work: (connection: PooledConnection) => Promise<T>,
  options: { settings?: Record<string, string> } = {},
): Promise<T> {
  const connection = await db.connect();
  let broken: Error | undefined;
  try {
    await connection.query('begin');
    for (const [name, value] of Object.entries(options.settings ?? {})) {
      await connection.query('select set_config($1, $2, true)', [name, value]);
    }
    const result = await work(connection);
    await connection.query('commit');
    return result;
  } catch (error) {
    try {
      await connection.query('rollback');
    } catch (rollbackError) {
      // The session is unusable; make the pool discard it instead of reusing it.
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    connection.release(broken ?? false);
  }
}

/**
 * Returns `url` pointing at database `dbName`, keeping user, password, host, port and query
 * parameters (sslmode, host=/socket/dir, ...) as they are.
 */
export function withDatabase(url: string, dbName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(dbName)}`;
  return parsed.toString();
}

/** Where a URL points, without its credentials: safe to print in logs. */
export function describeServer(url: string): string {
  const parsed = new URL(url);
  const socketDir = parsed.searchParams.get('host');
  if (parsed.hostname === '' && socketDir) return socketDir;
  return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
}

/** `user@host:port/database` of a connection string, never its password; for messages. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    const port = parsed.port || '5432';
    const database = parsed.pathname.replace(/^\//, '') || '(default database)';
    return `${user}${parsed.hostname || 'localhost'}:${port}/${database}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/** A connection string with its password replaced by `***`, for messages. */
export function hidePassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

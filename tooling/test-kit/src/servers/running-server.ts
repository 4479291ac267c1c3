/** A PostgreSQL server the test run can use, and how to give it back. */
export interface RunningServer {
  /** Connects as a user allowed to create databases, to the server's maintenance database. */
  url: string;
  /** Where it came from, for the one line the global setup prints. */
  source: string;
  stop(): Promise<void>;
}

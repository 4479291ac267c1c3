/**
 * The LISTEN port: what a channel that waits for notifications needs of PostgreSQL, and no more,
 * so it never touches a driver. `pg` has no such object; an adapter over a dedicated `pg.Client`
 * (never a pooled one: a LISTEN belongs to its session) is the usual implementation.
 * `describeListenPortConformance` (`@birth-lane/contract/testing`) proves an adapter against a
 * real PostgreSQL.
 */
export interface ListenPort {
  readonly specificationVersion: 'v1';
  /**
   * Opens a session of its own and LISTENs on `channel`. Resolves only once LISTEN stands, so a
   * notification sent after it resolves is delivered (a caller that catches up after opening
   * misses nothing). Rejects, leaving nothing open, when the session cannot be opened or LISTEN is
   * refused. Settles within a bounded time: an adapter puts deadlines on connecting and LISTEN.
   * Notifications may already reach `onNotification` before it resolves.
   */
  open(channel: string, handlers: ListenHandlers): Promise<ListenSession>;
}

export interface ListenHandlers {
  /** Each notification on the channel, in the order the server sends them; the payload as sent. */
  onNotification(payload: string): void;
  /**
   * The session was lost without `close()` (an error, the server ended it, the connection broke).
   * Called at most once per session, only after `open` resolved (before, `open` rejects
   * instead), never once `close()` was called; no more notifications follow. The caller opens a new session if it wants to go on listening.
   */
  onLost(error: Error): void;
}

export interface ListenSession {
  /**
   * A round trip on the session. Rejects when the session is lost; a silent network cut is only
   * noticed this way, so a caller pings now and then (with a deadline of its own).
   */
  ping(): Promise<void>;
  /**
   * UNLISTENs and ends the session; nothing is delivered once it is called, and `onLost` is not
   * called. The session is ended even when UNLISTEN fails, after which it rejects with that error.
   * On a lost session it only lets go of it. Calling it again does nothing. Settles within a
   * bounded time, like `open`.
   */
  close(): Promise<void>;
}

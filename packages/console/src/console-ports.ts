import type { ChannelLogger, Queryable } from '@birth-lane/contract';

/** A database session pool opened as one person's own login: every statement runs as that login. */
export interface LoginDatabase {
  readonly db: Queryable;
  /** The login the server says this is (session_user), read once at login. */
  readonly login: string;
  close(): Promise<void>;
}

/** Why a login was refused: a wrong password or login, or a server that cannot be reached. */
export interface LoginRefusal {
  readonly refused: true;
  readonly reason: string;
}

/**
 * How the console reaches the database as a person. The app opens it (it knows the server, the
 * session options and pg); the console never holds a connection of anyone else's.
 */
export interface LoginOpener {
  open(login: string, password: string): Promise<LoginDatabase | LoginRefusal>;
}

/** One step of the overview's funnel, from the registry-wide counts. */
export interface OverviewFunnel {
  readonly total: number;
  readonly governed: number;
  readonly observed: number;
  readonly pen: number;
  readonly stamp: number;
  readonly gate: number;
  readonly certified: number;
  readonly backlog: number;
  readonly ambiguous: number;
}

export interface OverviewProducer {
  readonly channel: string;
  readonly host: string;
  readonly pid: number;
  readonly state: string;
  readonly secondsSinceBeat: number;
}

export interface OverviewGate {
  readonly mode: string | null;
  readonly source: string;
  readonly criteria: readonly {
    readonly id: string;
    readonly met: boolean;
    readonly measured: string;
    readonly required: string;
  }[];
  /** When the criteria could not be read (e.g. the gate block is not installed, or no privilege). */
  readonly criteriaError?: string;
}

/** A backlog pass's progress, as the backlog block reports it. */
export interface OverviewBacklogPass {
  readonly runId: string;
  readonly state: string;
  readonly done: number;
  readonly total: number;
  readonly line: string;
}

/** What the overview shows that only the app can compose (it reads several blocks). */
export interface ConsoleOverview {
  readonly registry: OverviewFunnel;
  readonly ruleSet: { readonly version: string; readonly hash: string } | { readonly error: string };
  readonly gate: OverviewGate;
  readonly producers: readonly OverviewProducer[];
  readonly backlogPasses: readonly OverviewBacklogPass[];
}

/**
 * The readers the app passes in: the console must not import other blocks, so what needs them
 * (status, gate criteria, backlog passes) arrives as functions run on the login's own session.
 */
export interface ConsoleReaders {
  overview(db: Queryable): Promise<ConsoleOverview>;
  /** The latest backlog passes alone (the Pilots page), without the overview's registry scan. */
  backlogPasses(db: Queryable): Promise<readonly OverviewBacklogPass[]>;
}

export interface ConsoleDependencies {
  readonly logins: LoginOpener;
  readonly readers: ConsoleReaders;
  readonly log: ChannelLogger;
}

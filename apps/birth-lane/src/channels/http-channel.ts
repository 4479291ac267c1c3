import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Database,
  DatabaseError,
  type HeartbeatWriter,
  type ProducerChannel,
  type ProducerRunner,
  startHeartbeat,
  ValidationError,
  withTransaction,
} from '@birth-lane/contract';
import { z } from 'zod';
import { bearerTokenMatches } from '../http/bearer-token.js';
import { readBody, sendError, sendJson } from '../http/http-io.js';
import { type HttpRun, RunHistory, runResource } from '../http/run-history.js';
import { RunMetrics } from '../http/run-metrics.js';
import { parseRunRequest, type RunRequest } from '../http/run-request.js';
import type { Logger } from '../logging/logger.js';

export interface HttpChannelOptions {
  /** 0 picks a free port; `url` tells which after `start`. */
  readonly port: number;
  readonly host: string;
  /** Required on every route but /healthz, as `Authorization: Bearer <token>`. */
  readonly token: string;
  /** For /healthz, the backlog gauge and the heartbeat (the runner has its own way to the rows). */
  readonly db: Database;
  readonly log: Logger;
  /** Finished runs kept for `GET /runs/:id`; every report is in the evidence log anyway. */
  readonly keepRuns?: number;
  readonly maxBodyBytes?: number;
  readonly heartbeatIntervalMs?: number;
  /** /healthz and the backlog gauge give up after this long, so a scrape never hangs. */
  readonly databaseTimeoutMs?: number;
  /** On stop, connections still busy after this long are cut. */
  readonly closeGraceMs?: number;
}

const uuidSchema = z.uuid();
const RUN_PATH = /^\/runs\/([^/]+)$/;

/**
 * The `http` channel, an agent API: `POST /runs` starts one producer run in the background and
 * answers 202 with a run resource to poll (`GET /runs/:id`); `/metrics` exposes counters for
 * Prometheus; `/healthz` answers load balancers. One run at a time: a POST while a run is in
 * progress gets 409 and the running one's link, since two runs over the same rows only contend.
 */
export class HttpChannel implements ProducerChannel {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'http' as const;
  readonly #options: HttpChannelOptions;
  readonly #log: Logger;
  readonly #history: RunHistory;
  readonly #metrics = new RunMetrics();
  readonly #abort = new AbortController();
  #runner: ProducerRunner | null = null;
  #server: Server | null = null;
  #heartbeat: HeartbeatWriter | null = null;
  #inFlight: Promise<void> | null = null;
  #state: 'new' | 'standing' | 'stopping' | 'stopped' = 'new';

  constructor(options: HttpChannelOptions) {
    this.#options = options;
    this.#log = options.log.child({ channel: this.name });
    this.#history = new RunHistory(options.keepRuns ?? 100);
  }

  /** Where the channel listens, once started, e.g. `http://127.0.0.1:8080`. */
  get url(): string {
    const address = this.#server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the http channel is not listening; call start() first');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async start(runner: ProducerRunner): Promise<void> {
    if (this.#state !== 'new') throw new Error(`the http channel cannot start when ${this.#state}`);
    this.#runner = runner;
    try {
      this.#heartbeat = await startHeartbeat(this.#options.db, this.name, {
        intervalMs: this.#options.heartbeatIntervalMs,
        onError: (error) => this.#log.warn({ err: error }, 'heartbeat write failed'),
      });
    } catch (error) {
      throw new DatabaseError(
        `The http channel could not write its heartbeat (is the lane installed? run \`birth-lane install\`): ${(error as Error).message}`,
        { cause: error },
      );
    }
    const server = createServer((request, response) => void this.#handle(request, response));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.#options.port, this.#options.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await this.#heartbeat.stop().catch(() => undefined);
      throw new ValidationError(
        '--host/--port',
        [
          {
            field: '--port',
            rule: 'listen',
            message: `cannot listen on ${this.#options.host}:${this.#options.port}: ${(error as Error).message}`,
          },
        ],
        { cause: error },
      );
    }
    this.#server = server;
    this.#state = 'standing';
    this.#log.info({ url: this.url }, 'http channel listening');
  }

  /**
   * Stops accepting connections, aborts the run in flight (it ends after its batch, as `stopped`),
   * waits for it and for open requests, then records the `stopped` heartbeat.
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    const server = this.#server;
    this.#state = 'stopping';
    this.#abort.abort();
    await this.#beat('stopping');
    // Until the run in flight has ended the server keeps accepting connections, so probes get the
    // documented 503 from /healthz (and POST /runs its 503) instead of a refused connection.
    await this.#inFlight;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    const cut = setTimeout(() => server?.closeAllConnections(), this.#options.closeGraceMs ?? 5000);
    await closed;
    clearTimeout(cut);
    if (this.#heartbeat) {
      await this.#withDeadline(this.#heartbeat.stop()).catch((error: unknown) => {
        this.#log.warn({ err: error }, 'could not record the stopped heartbeat');
      });
    }
    this.#state = 'stopped';
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const began = performance.now();
    // The raw path, without the query: `new URL` would read `//x` as a host name.
    const path = (request.url ?? '/').split('?')[0]!;
    response.on('close', () => {
      // Method, path and status only: headers (and so the token) are never logged.
      this.#log.info(
        {
          method: request.method,
          path,
          status: response.statusCode,
          ms: Math.round((performance.now() - began) * 10) / 10,
        },
        'http request',
      );
    });
    if (this.#state !== 'standing') response.setHeader('connection', 'close');
    try {
      await this.#route(request, response, path);
    } catch (error) {
      this.#log.error({ err: error, method: request.method, path }, 'http request failed');
      if (!response.headersSent)
        sendError(response, 500, 'internal_error', 'The request failed; see the log.');
      else response.destroy();
    }
  }

  async #route(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const method = request.method ?? 'GET';
    // Load balancers probe health without credentials; everything else needs the token, checked
    // before routing so an unauthenticated caller learns nothing about which paths exist.
    if (path === '/healthz') {
      if (method !== 'GET') return methodNotAllowed(response, 'GET');
      return this.#health(response);
    }
    if (!bearerTokenMatches(request.headers.authorization, this.#options.token)) {
      const presented = request.headers.authorization !== undefined;
      return sendError(response, 401, 'unauthorized', 'Send Authorization: Bearer <BIRTH_LANE_HTTP_TOKEN>.', {
        headers: {
          'www-authenticate': presented
            ? 'Bearer realm="birth-lane", error="invalid_token"'
            : 'Bearer realm="birth-lane"',
        },
      });
    }
    if (path === '/runs') {
      if (method !== 'POST') return methodNotAllowed(response, 'POST');
      return this.#startRun(request, response);
    }
    const runPath = RUN_PATH.exec(path);
    if (runPath) {
      if (method !== 'GET') return methodNotAllowed(response, 'GET');
      return this.#showRun(response, runPath[1]!);
    }
    if (path === '/metrics') {
      if (method !== 'GET') return methodNotAllowed(response, 'GET');
      return this.#showMetrics(response);
    }
    sendError(
      response,
      404,
      'not_found',
      `No route ${path}; see docs/http.md for POST /runs, GET /runs/:id, /metrics, /healthz.`,
    );
  }

  async #startRun(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const limit = this.#options.maxBodyBytes ?? 64 * 1024;
    const body = await readBody(request, limit);
    if (body === null) {
      return sendError(response, 413, 'body_too_large', `The request body must be at most ${limit} bytes.`, {
        headers: { connection: 'close' },
      });
    }
    let runRequest: RunRequest;
    try {
      runRequest = parseRunRequest(body, request.headers['content-type']);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      return sendJson(response, 400, {
        error: 'invalid_body',
        message: 'The body of POST /runs is invalid; every problem is listed.',
        problems: error.issues,
      });
    }
    if (this.#state !== 'standing') {
      return sendError(response, 503, 'stopping', 'The channel is stopping; no new run starts.');
    }
    const running = this.#history.running;
    if (running) {
      return sendError(
        response,
        409,
        'run_in_progress',
        'A run is in progress; poll it and retry once it ends.',
        {
          body: { running: { id: running.id, links: { self: `/runs/${running.id}` } } },
        },
      );
    }
    const run = this.#history.begin(runRequest);
    this.#inFlight = this.#execute(run).finally(() => {
      this.#inFlight = null;
    });
    sendJson(
      response,
      202,
      { runId: run.id, status: run.status, links: { self: `/runs/${run.id}` } },
      { location: `/runs/${run.id}` },
    );
  }

  async #execute(run: HttpRun): Promise<void> {
    const log = this.#log.child({ httpRunId: run.id });
    this.#metrics.runStarted();
    await this.#beat('running');
    log.info({ request: run.request }, 'run started');
    let producerRunId: string | undefined;
    try {
      const report = await this.#runner!.run({
        channel: this.name,
        ...run.request,
        signal: this.#abort.signal,
        onProgress: (progress) => {
          run.progress = progress;
        },
      });
      producerRunId = report.runId;
      this.#history.finish(run, report);
      this.#metrics.runFinished(report);
      log.info({ runId: report.runId, outcome: report.outcome, scanned: report.scanned }, 'run ended');
    } catch (error) {
      this.#history.fail(run, error);
      this.#metrics.runThrew(run.endedAt ?? new Date());
      log.error({ err: error }, 'run failed');
    }
    await this.#beat(this.#state === 'standing' ? 'idle' : 'stopping', producerRunId);
  }

  /** Heartbeat writes never stop the channel, and never hold up a stop on a dead database. */
  async #beat(state: 'idle' | 'running' | 'stopping', runId?: string): Promise<void> {
    if (!this.#heartbeat) return;
    await this.#withDeadline(this.#heartbeat.set(state, runId)).catch((error: unknown) => {
      this.#log.warn({ err: error }, 'heartbeat write failed');
    });
  }

  #showRun(response: ServerResponse, id: string): void {
    const parsed = uuidSchema.safeParse(id);
    const run = parsed.success ? this.#history.get(parsed.data.toLowerCase()) : undefined;
    if (!parsed.success) {
      sendJson(response, 400, {
        error: 'invalid_id',
        message: 'A run id is a UUID, as returned by POST /runs.',
        problems: [{ field: 'id', rule: 'uuid', message: 'must be a UUID' }],
      });
    } else if (!run) {
      sendError(
        response,
        404,
        'run_not_found',
        `No run ${id} in this process's memory (the last ${this.#options.keepRuns ?? 100} are kept); every run report is in the evidence log.`,
      );
    } else {
      sendJson(response, 200, runResource(run));
    }
  }

  async #health(response: ServerResponse): Promise<void> {
    if (this.#state !== 'standing') {
      return sendJson(response, 503, { status: 'stopping', database: 'unknown' });
    }
    try {
      await this.#withDeadline(this.#options.db.query('select 1'));
      sendJson(response, 200, { status: 'ok', database: 'ok' });
    } catch (error) {
      sendJson(response, 503, {
        status: 'unavailable',
        database: 'unreachable',
        message: (error as Error).message,
      });
    }
  }

  async #showMetrics(response: ServerResponse): Promise<void> {
    let backlog: number | null = null;
    try {
      backlog = await this.#withDeadline(this.#backlog());
    } catch (error) {
      this.#log.warn({ err: error }, 'could not read the backlog for /metrics');
    }
    const text = this.#metrics.render(backlog);
    response.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    response.end(text);
  }

  /** Uncertified governed rows, read through the producer's partial index on uncertified ids. */
  async #backlog(): Promise<number> {
    const timeoutMs = this.#options.databaseTimeoutMs ?? 3000;
    return withTransaction(
      this.#options.db,
      async (connection) => {
        const { rows } = await connection.query<{ backlog: string }>(
          `select count(*)::text as backlog from public.birth_registry
            where certified = false and governance_role = 'governed'`,
        );
        return Number(rows[0]!.backlog);
      },
      { settings: { statement_timeout: `${timeoutMs}ms` } },
    );
  }

  /** An unreachable server can leave a connection attempt pending for minutes; answer sooner. */
  #withDeadline<T>(work: Promise<T>): Promise<T> {
    const timeoutMs = this.#options.databaseTimeoutMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the database did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    work.catch(() => undefined);
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }
}

function methodNotAllowed(response: ServerResponse, allow: string): void {
  sendError(response, 405, 'method_not_allowed', `Use ${allow} here.`, { headers: { allow } });
}

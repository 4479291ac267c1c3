import { Readable } from 'node:stream';
import {
  ApprovalError,
  type ApprovalStatus,
  approvalStatusSchema,
  type EvidenceRow,
  PostgresApprovalGate,
  type Queryable,
  type RunReport,
  SQLSTATE,
  sortEvidenceRows,
  sqlStateOf,
  ValidationError,
} from '@birth-lane/contract';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { loadConsoleAssets } from './console-assets.js';
import type { ConsoleDependencies } from './console-ports.js';
import { type ConsoleSettingsInput, parseConsoleSettings } from './console-settings.js';
import { csvLine } from './csv.js';
import { CONSOLE_BASE, type LayoutContext, path } from './layout.js';
import { OverviewCache } from './overview-cache.js';
import { approvalsPage } from './pages/approvals-page.js';
import { FAILURE_WINDOWS, type FailureWindow, failuresPage } from './pages/failures-page.js';
import { loginPage, messagePage } from './pages/login-page.js';
import { overviewPage } from './pages/overview-page.js';
import { type PilotVerdict, pilotsPage } from './pages/pilots-page.js';
import { runPage, runsPage } from './pages/runs-page.js';
import { type ConsoleSession, randomToken, SessionStore, tokensMatch } from './session-store.js';
import { SELECT_LANE_MEMBERSHIP_SQL } from './sql/select-lane-membership.js';
import { SELECT_MY_APPROVER_ROLES_SQL, SELECT_OPEN_APPROVALS_SQL } from './sql/select-open-approvals.js';
import { SELECT_PILOT_NOTES_SQL } from './sql/select-pilot-notes.js';
import {
  type FailureListRow,
  SELECT_CHECK_FAILURES_IN_WINDOW_SQL,
  SELECT_RUN_CHECK_FAILURES_SQL,
  SELECT_RUN_FAILURES_BY_CHECK_SQL,
  SELECT_RUN_FAILURES_SQL,
  SELECT_TOP_CHECKS_IN_WINDOW_SQL,
} from './sql/select-run-failures.js';
import { SELECT_RUN_REPORT_PAGE_SQL, SELECT_RUN_REPORT_SQL } from './sql/select-run-reports.js';

export const SESSION_COOKIE = 'bl_console_session';
/** The login form's CSRF token (double submit: cookie and field must match), before any session. */
export const LOGIN_CSRF_COOKIE = 'bl_console_login';

const RUNS_PER_PAGE = 25;
/** Runs the burn-down is drawn from. */
const BURN_DOWN_RUNS = 200;
/** Rows per statement while a CSV export streams. */
const CSV_CHUNK = 5000;
/** How often the server looks for overview readings that are due (a login without one, or an old one). */
const OVERVIEW_TICK_MS = 5000;

const loginBodySchema = z.strictObject({
  login: z.string().min(1).max(63),
  password: z.string().min(1).max(1024),
  csrf: z.string().min(1).max(128),
  next: z.string().max(2000).optional(),
});
const csrfBodySchema = z.object({ csrf: z.string().min(1).max(128) });
const voteBodySchema = z.strictObject({
  csrf: z.string().min(1).max(128),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(500).optional(),
});
const runIdSchema = z.uuid();
const evidenceIdSchema = z.string().regex(/^[0-9]{1,18}$/);
const requestIdSchema = z.string().regex(/^[1-9][0-9]{0,17}$/);
/** Control characters (NUL above all: PostgreSQL text cannot hold it) are refused, not sent to the database. */
const checkIdSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => !hasControlCharacter(text), 'must not contain control characters');
const pageSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,4}$/, 'must be a page number (digits)')
  .transform(Number)
  .pipe(z.number().int().min(1).max(10_000));

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: ConsoleSession;
  }
  interface FastifyContextConfig {
    /** Read by the agent API's bearer-token hook: the console's routes have their own guard (the session). */
    readonly public?: boolean;
  }
}

/**
 * The operator console as a fastify plugin: server-rendered pages under /console (and `/`
 * redirecting there). Every page needs a session, made by signing in with one's own database
 * login; every query and every vote then runs on a pool opened as that login, so the database
 * decides what each person sees and may do. Its routes are public to the agent API's bearer-token
 * hook (people have no token); the session is their guard.
 */
export function consoleRoutes(
  settingsInput: ConsoleSettingsInput,
  dependencies: ConsoleDependencies,
): FastifyPluginAsync {
  const settings = parseConsoleSettings(settingsInput);
  const assets = loadConsoleAssets();

  return async (app: FastifyInstance) => {
    const sessions = new SessionStore(
      settings.sessionTtlSeconds * 1000,
      settings.maxSessions,
      settings.maxSessionsPerLogin,
    );
    const overviews = new OverviewCache(
      dependencies.readers.overview,
      settings.overviewTtlSeconds * 1000,
      dependencies.log,
    );
    const sweep = setInterval(() => void sessions.sweep().catch(() => undefined), 60_000);
    sweep.unref();
    // The overview's readings are taken here, never by a request: a login's first one within a tick.
    const readings = setInterval(
      () => void overviews.refresh(sessions.liveLogins()).catch(() => undefined),
      Math.min(settings.overviewTtlSeconds * 1000, OVERVIEW_TICK_MS),
    );
    readings.unref();
    app.addHook('onClose', async () => {
      clearInterval(sweep);
      clearInterval(readings);
      await sessions.closeAll();
    });
    let trustSeen = false;

    await app.register(fastifyCookie);
    // Only the sign-in is limited (per client address): each attempt opens connections as the login.
    await app.register(fastifyRateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => ({
        statusCode: context.statusCode,
        message: `Too many sign-in attempts from this address (at most ${context.max} a minute); try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
      }),
    });
    await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      // HSTS belongs to the TLS-terminating proxy: this server itself speaks plain http.
      hsts: false,
    });

    // Beside the CSRF tokens: a browser says where a POST comes from. One from another origin (a
    // sibling subdomain counts as same-site, not same-origin, and could toss a cookie) does nothing.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'POST' || !request.url.startsWith(`${CONSOLE_BASE}/`)) return;
      if (!postedFromElsewhere(request)) return;
      return sendHtml(
        reply,
        403,
        messagePage(
          { login: null, csrfToken: null, trustAuthentication: trustSeen },
          'Refused',
          'This form was posted from another site (Sec-Fetch-Site or Origin says so), so nothing was done.',
        ),
      );
    });

    const secure = (request: FastifyRequest) =>
      settings.secureCookies === 'always' || request.protocol === 'https';
    const cookieOptions = (request: FastifyRequest, maxAgeSeconds: number) => ({
      httpOnly: true,
      sameSite: 'strict' as const,
      secure: secure(request),
      path: '/',
      maxAge: maxAgeSeconds,
    });
    const context = (session: ConsoleSession): LayoutContext => ({
      login: session.login,
      csrfToken: session.csrfToken,
      trustAuthentication: session.trustAuthentication,
    });
    const sendHtml = (reply: FastifyReply, status: number, body: string) =>
      reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);

    const showLogin = (
      request: FastifyRequest,
      reply: FastifyReply,
      status: number,
      extra: { error?: string; login?: string; next?: string } = {},
    ) => {
      const token = randomToken();
      reply.setCookie(LOGIN_CSRF_COOKIE, token, cookieOptions(request, 3600));
      const next = extra.next ?? (request.method === 'GET' ? request.url : undefined);
      return sendHtml(
        reply,
        status,
        loginPage({ csrfToken: token, ...extra, next, trustAuthentication: trustSeen }),
      );
    };

    /** Every console route but the login page and the assets needs a live session. */
    const requireSession = async (request: FastifyRequest, reply: FastifyReply) => {
      const session = await sessions.find(request.cookies[SESSION_COOKIE]);
      if (!session) return showLogin(request, reply, 401);
      request.consoleSession = session;
      // The idle clock restarted on the server; the cookie's lifetime follows it.
      reply.setCookie(SESSION_COOKIE, session.id, cookieOptions(request, settings.sessionTtlSeconds));
    };
    /** A POST must carry the session's CSRF token: a form on another site cannot know it. */
    const requireCsrf = async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = csrfBodySchema.safeParse(request.body);
      if (!parsed.success || !tokensMatch(parsed.data.csrf, request.consoleSession!.csrfToken)) {
        return sendHtml(
          reply,
          403,
          messagePage(
            context(request.consoleSession!),
            'Refused',
            'The form did not carry this session’s CSRF token, so nothing was done.',
            'Reload the page and submit the form again.',
          ),
        );
      }
    };
    const session = (request: FastifyRequest) => request.consoleSession!;
    const db = (request: FastifyRequest): Queryable => session(request).database.db;

    app.setErrorHandler((error, request, reply) => {
      const live = request.consoleSession;
      const frame: LayoutContext = live
        ? context(live)
        : { login: null, csrfToken: null, trustAuthentication: trustSeen };
      if (sqlStateOf(error) === SQLSTATE.insufficientPrivilege) {
        return sendHtml(
          reply,
          403,
          messagePage(
            frame,
            'Not allowed',
            `The database refused this to ${live?.login ?? 'this login'}: ${(error as Error).message}.`,
            'An administrator can grant the lane’s read role: GRANT birth_lane_reader TO <login>.',
          ),
        );
      }
      if (laneMissing(error)) {
        return sendHtml(
          reply,
          503,
          messagePage(
            frame,
            'The lane is not installed',
            `This database has no birth-lane schema yet (${(error as Error).message}).`,
            'Run `birth-lane install` against this database, then reload the page.',
          ),
        );
      }
      if (ValidationError.isInstance(error)) {
        return sendHtml(reply, 400, messagePage(frame, 'Bad request', error.message));
      }
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status === 429)
        return sendHtml(reply, 429, messagePage(frame, 'Too many attempts', (error as Error).message));
      if (status < 500)
        return sendHtml(reply, status, messagePage(frame, 'Bad request', (error as Error).message));
      dependencies.log.error({ err: error, path: request.url.split('?')[0] }, 'console request failed');
      return sendHtml(reply, 500, messagePage(frame, 'Failed', 'The page failed; the server log says why.'));
    });

    const open = { config: { public: true } } as const;
    const guarded = { config: { public: true }, preHandler: requireSession } as const;

    app.get('/', open, async (_request, reply) => reply.redirect(`${CONSOLE_BASE}/`, 302));
    app.get(`${CONSOLE_BASE}`, open, async (_request, reply) => reply.redirect(`${CONSOLE_BASE}/`, 302));

    app.get<{ Params: { name: string } }>(`${CONSOLE_BASE}/assets/:name`, open, async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset)
        return sendHtml(
          reply,
          404,
          messagePage(
            { login: null, csrfToken: null, trustAuthentication: false },
            'Not found',
            'No such file.',
          ),
        );
      return reply.header('cache-control', 'public, max-age=3600').type(asset.type).send(asset.body);
    });

    app.get<{ Querystring: { next?: string } }>(`${CONSOLE_BASE}/login`, open, async (request, reply) => {
      const live = await sessions.find(request.cookies[SESSION_COOKIE]);
      if (live) return reply.redirect(path('/'), 303);
      return showLogin(request, reply, 200, { next: safeNext(request.query.next) });
    });

    const signInLimit = {
      config: {
        public: true,
        rateLimit: { max: settings.loginAttemptsPerMinute, timeWindow: 60_000 },
      },
    } as const;
    app.post(`${CONSOLE_BASE}/login`, signInLimit, async (request, reply) => {
      const parsed = loginBodySchema.safeParse(request.body);
      if (!parsed.success) {
        return showLogin(request, reply, 400, { error: 'Give a login and a password.' });
      }
      const { login, password, csrf } = parsed.data;
      const next = safeNext(parsed.data.next);
      const expected = request.cookies[LOGIN_CSRF_COOKIE];
      if (!expected || !tokensMatch(csrf, expected)) {
        return showLogin(request, reply, 403, {
          login,
          next,
          error: 'The sign-in form was not this browser’s own (CSRF token missing or wrong); try again.',
        });
      }
      // Does the server let a wrong password in? Then a password proves nothing (trust authentication).
      const probe = await dependencies.logins.open(login, `wrong-${randomToken()}`);
      const trust = !('refused' in probe);
      if (!('refused' in probe)) await probe.close();
      if (trust && !settings.allowTrustAuthentication) {
        dependencies.log.warn({ login }, 'console login refused: the database accepts any password');
        return showLogin(request, reply, 403, {
          login,
          next,
          error:
            'Refused: this database server accepts any password for this login (trust authentication), so a sign-in would prove nothing. Use password (scram-sha-256) authentication, or for a demo set BIRTH_LANE_CONSOLE_ALLOW_TRUST=1.',
        });
      }
      const opened = await dependencies.logins.open(login, password);
      if ('refused' in opened) {
        return showLogin(request, reply, 401, { login, next, error: `Sign-in refused: ${opened.reason}` });
      }
      if (trust) trustSeen = true;
      // A login with no lane role could read nothing here; it gets no session (nor a slot).
      const membership = await opened.db
        .query<{ member: boolean }>(SELECT_LANE_MEMBERSHIP_SQL)
        .catch(async (error: unknown) => {
          await opened.close();
          throw error;
        });
      if (membership.rows[0]?.member !== true) {
        await opened.close();
        dependencies.log.warn({ login: opened.login }, 'console login refused: no lane role');
        return showLogin(request, reply, 403, {
          login,
          next,
          error: `Sign-in refused: ${opened.login} holds none of the lane's roles, so there is nothing here it may see. An administrator can grant the read role: GRANT birth_lane_reader TO ${opened.login}.`,
        });
      }
      // One login's further sign-in ends its own oldest session; it never takes someone else's slot.
      if (!(await sessions.makeRoomFor(opened.login))) {
        await opened.close();
        return showLogin(request, reply, 503, {
          login,
          next,
          error: 'Too many people are signed in; try again later.',
        });
      }
      // A browser signing in again (e.g. after a cross-site link, which carries no SameSite=Strict
      // cookie) ends the session it still holds, instead of leaving it to stand beside the new one.
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await sessions.end(previous);
      const created = sessions.create(opened, trust);
      dependencies.log.info({ login: created.login, trust }, 'console login');
      reply.setCookie(SESSION_COOKIE, created.id, cookieOptions(request, settings.sessionTtlSeconds));
      reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
      return reply.redirect(next ?? path('/'), 303);
    });

    app.post(
      `${CONSOLE_BASE}/logout`,
      { ...guarded, preHandler: [requireSession, requireCsrf] },
      async (request, reply) => {
        // The login's overview reading is kept until it expires: signing in again must not start a scan.
        await sessions.end(session(request).id);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect(path('/login'), 303);
      },
    );

    app.get(`${CONSOLE_BASE}/`, guarded, async (request, reply) => {
      const login = session(request).login;
      const reading = overviews.get(login);
      const runs = reading ? await readRunPage(db(request), BURN_DOWN_RUNS, 0) : [];
      return sendHtml(
        reply,
        200,
        overviewPage(context(session(request)), {
          reading,
          intervalSeconds: settings.overviewTtlSeconds,
          runsNewestFirst: runs,
        }),
      );
    });

    app.get<{ Querystring: { page?: string } }>(`${CONSOLE_BASE}/runs`, guarded, async (request, reply) => {
      const number = parseQuery(pageSchema, request.query.page ?? '1', 'page');
      const runs = await readRunPage(db(request), RUNS_PER_PAGE + 1, (number - 1) * RUNS_PER_PAGE);
      return sendHtml(
        reply,
        200,
        runsPage(context(session(request)), runs.slice(0, RUNS_PER_PAGE), {
          number,
          more: runs.length > RUNS_PER_PAGE,
        }),
      );
    });

    app.get<{ Params: { id: string }; Querystring: { check?: string; after?: string } }>(
      `${CONSOLE_BASE}/runs/:id`,
      guarded,
      async (request, reply) => {
        const runId = parseQuery(runIdSchema, request.params.id, 'run id');
        const check = request.query.check ? parseQuery(checkIdSchema, request.query.check, 'check') : null;
        const after = parseQuery(evidenceIdSchema, request.query.after ?? '0', 'after');
        const run = await readRun(db(request), runId);
        if (!run) {
          return sendHtml(
            reply,
            404,
            messagePage(context(session(request)), 'No such run', `No run report for ${runId} on record.`),
          );
        }
        const { rows: byCheck } = await db(request).query<{
          stage: string | null;
          check_id: string | null;
          rows: number;
        }>(SELECT_RUN_FAILURES_BY_CHECK_SQL, [runId]);
        const failures = await readRunFailures(db(request), runId, check, after, settings.pageSize + 1);
        const more = failures.length > settings.pageSize;
        const shown = failures.slice(0, settings.pageSize);
        return sendHtml(
          reply,
          200,
          runPage(context(session(request)), {
            run,
            byCheck,
            check,
            failures: shown,
            nextAfter: more ? shown[shown.length - 1]!.id : null,
          }),
        );
      },
    );

    app.get<{ Params: { id: string }; Querystring: { check?: string } }>(
      `${CONSOLE_BASE}/runs/:id/failures.csv`,
      guarded,
      async (request, reply) => {
        const runId = parseQuery(runIdSchema, request.params.id, 'run id');
        const check = request.query.check ? parseQuery(checkIdSchema, request.query.check, 'check') : null;
        const database = db(request);
        // Read the first chunk before answering, so a refused read is an error page, not half a file.
        let chunk = await readRunFailures(database, runId, check, '0', CSV_CHUNK);
        reply
          .code(200)
          .header('cache-control', 'no-store')
          .header(
            'content-disposition',
            `attachment; filename="run-${runId}${check ? `-${check.replace(/[^a-z0-9._-]/gi, '_')}` : ''}-failures.csv"`,
          )
          .type('text/csv; charset=utf-8');
        async function* lines() {
          yield csvLine([
            'evidence_id',
            'recorded_at',
            'run_id',
            'row_id',
            'entity_code',
            'stage',
            'check_id',
            'message',
          ]);
          while (chunk.length > 0) {
            for (const row of chunk) {
              yield csvLine([
                row.id,
                row.recorded_at.toISOString(),
                row.run_id,
                row.row_id,
                row.entity_code,
                row.stage,
                row.check_id,
                row.message,
              ]);
            }
            if (chunk.length < CSV_CHUNK) break;
            chunk = await readRunFailures(database, runId, check, chunk[chunk.length - 1]!.id, CSV_CHUNK);
          }
        }
        return reply.send(Readable.from(lines()));
      },
    );

    app.get<{ Querystring: { window?: string; check?: string; before?: string } }>(
      `${CONSOLE_BASE}/failures`,
      guarded,
      async (request, reply) => {
        const window = parseQuery(
          z.enum(Object.keys(FAILURE_WINDOWS) as [FailureWindow, ...FailureWindow[]]),
          request.query.window ?? '24h',
          'window',
        );
        const seconds = FAILURE_WINDOWS[window];
        const check = request.query.check ? parseQuery(checkIdSchema, request.query.check, 'check') : null;
        const before = parseQuery(evidenceIdSchema, request.query.before ?? '999999999999999999', 'before');
        const { rows: top } = await db(request).query<{
          stage: string | null;
          check_id: string | null;
          rows: number;
          last_at: Date;
        }>(SELECT_TOP_CHECKS_IN_WINDOW_SQL, [seconds, 25]);
        let failures: FailureListRow[] = [];
        if (check) {
          ({ rows: failures } = await db(request).query<FailureListRow>(SELECT_CHECK_FAILURES_IN_WINDOW_SQL, [
            check,
            seconds,
            before,
            settings.pageSize + 1,
          ]));
        }
        const more = failures.length > settings.pageSize;
        const shown = failures.slice(0, settings.pageSize);
        return sendHtml(
          reply,
          200,
          failuresPage(context(session(request)), {
            window,
            top,
            check,
            failures: shown,
            nextBefore: more ? shown[shown.length - 1]!.id : null,
          }),
        );
      },
    );

    const renderApprovals = async (
      request: FastifyRequest,
      reply: FastifyReply,
      status: number,
      notice?: { ok: boolean; text: string },
    ) => {
      const database = db(request);
      const { rows } = await database.query<{ id: string; status: unknown }>(SELECT_OPEN_APPROVALS_SQL);
      const open: ApprovalStatus[] = rows.flatMap((row) => {
        const parsed = approvalStatusSchema.safeParse(row.status);
        return parsed.success ? [parsed.data] : [];
      });
      const { rows: roles } = await database.query<{ role: string }>(SELECT_MY_APPROVER_ROLES_SQL);
      return sendHtml(
        reply,
        status,
        approvalsPage(context(session(request)), { open, myRoles: roles.map((row) => row.role), notice }),
      );
    };

    app.get(`${CONSOLE_BASE}/approvals`, guarded, (request, reply) => renderApprovals(request, reply, 200));

    app.post<{ Params: { id: string } }>(
      `${CONSOLE_BASE}/approvals/:id/vote`,
      { ...guarded, preHandler: [requireSession, requireCsrf] },
      async (request, reply) => {
        const requestId = parseQuery(requestIdSchema, request.params.id, 'approval id');
        const body = voteBodySchema.safeParse(request.body);
        if (!body.success) {
          return renderApprovals(request, reply, 400, {
            ok: false,
            text: 'A vote needs a decision: approve or reject.',
          });
        }
        const login = session(request).login;
        try {
          // Cast as this session's login, through the database function: the database decides.
          const gate = new PostgresApprovalGate(db(request));
          const voteId = await gate.vote({
            requestId,
            decision: body.data.decision,
            ...(body.data.comment ? { comment: body.data.comment } : {}),
          });
          dependencies.log.info(
            { login, requestId, decision: body.data.decision, voteId },
            'console vote cast',
          );
          return renderApprovals(request, reply, 200, {
            ok: true,
            text: `Vote #${voteId} recorded: ${login} voted ${body.data.decision} on request #${requestId}.`,
          });
        } catch (error) {
          const refused =
            ApprovalError.isInstance(error) || sqlStateOf(error) === SQLSTATE.insufficientPrivilege;
          if (!refused) throw error;
          dependencies.log.warn({ login, requestId }, 'console vote refused by the database');
          return renderApprovals(request, reply, 403, {
            ok: false,
            text: `The database refused the vote of ${login}: ${(error as Error).message}`,
          });
        }
      },
    );

    app.get(`${CONSOLE_BASE}/pilots`, guarded, async (request, reply) => {
      const { rows } = await db(request).query<EvidenceRow>(SELECT_PILOT_NOTES_SQL, [20]);
      const pilots = sortEvidenceRows(rows).records.flatMap((stored): PilotVerdict[] =>
        stored.record.kind === 'note'
          ? [pilotFromNote(stored.recordedAt, stored.recordedBy, stored.record.payload)]
          : [],
      );
      const passes = await dependencies.readers.backlogPasses(db(request));
      return sendHtml(reply, 200, pilotsPage(context(session(request)), { pilots, passes }));
    });
  };
}

async function readRunPage(db: Queryable, limit: number, offset: number): Promise<RunReport[]> {
  const { rows } = await db.query<EvidenceRow>(SELECT_RUN_REPORT_PAGE_SQL, [limit, offset]);
  return sortEvidenceRows(rows).records.flatMap((stored) =>
    stored.record.kind === 'run_report' ? [stored.record.report] : [],
  );
}

async function readRun(db: Queryable, runId: string): Promise<RunReport | null> {
  const { rows } = await db.query<EvidenceRow>(SELECT_RUN_REPORT_SQL, [runId]);
  const stored = sortEvidenceRows(rows).records[0];
  return stored?.record.kind === 'run_report' ? stored.record.report : null;
}

async function readRunFailures(
  db: Queryable,
  runId: string,
  check: string | null,
  after: string,
  limit: number,
): Promise<FailureListRow[]> {
  const { rows } = check
    ? await db.query<FailureListRow>(SELECT_RUN_CHECK_FAILURES_SQL, [runId, check, after, limit])
    : await db.query<FailureListRow>(SELECT_RUN_FAILURES_SQL, [runId, after, limit]);
  return rows;
}

/**
 * The browser's own word that a POST did not come from this origin: Sec-Fetch-Site other than
 * same-origin, or (from a browser without it) an Origin whose host is not this one. A client that sends neither (curl, a test)
 * is left to the CSRF tokens.
 */
function postedFromElsewhere(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin';
  // Under Referrer-Policy: no-referrer a browser posts `Origin: null` from the page itself, so
  // `null` says nothing here; the browsers that send it also send Sec-Fetch-Site.
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    const from = new URL(origin);
    // The Host header compared as a URL of the same scheme, so a default port counts as none.
    return from.host !== new URL(`${from.protocol}//${request.host}`).host;
  } catch {
    return true;
  }
}

/** A character below 0x20 or DEL: NUL breaks PostgreSQL text, CR/LF an http header. */
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The lane's schema or one of its tables is missing: the database was never installed (or not fully). */
function laneMissing(error: unknown): boolean {
  const state = sqlStateOf(error);
  return (state === '3F000' || state === '42P01') && /\bbirth_lane\b/.test((error as Error).message ?? '');
}

/** A query parameter through its schema; a wrong one is a 400 naming the parameter and the rule. */
function parseQuery<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(field, [
    {
      field,
      rule: parsed.error.issues[0]?.code ?? 'invalid',
      message: parsed.error.issues[0]?.message ?? 'is invalid',
    },
  ]);
}

/**
 * Only a path inside the console is a place to return to after sign-in (no open redirect), and only
 * as the URL parser resolves it (`..` and `//` normalised); control characters (a CR/LF that would
 * break the Location header) make it no place at all.
 */
function safeNext(next: string | undefined): string | undefined {
  if (
    !next ||
    hasControlCharacter(next) ||
    next.includes('\\') ||
    !next.startsWith('/') ||
    next.startsWith('//')
  )
    return undefined;
  const base = 'http://console.invalid';
  let resolved: URL;
  try {
    resolved = new URL(next, base);
  } catch {
    return undefined;
  }
  if (resolved.origin !== base) return undefined;
  const place = `${resolved.pathname}${resolved.search}`;
  return place.startsWith(`${CONSOLE_BASE}/`) && !place.startsWith(`${CONSOLE_BASE}/login`)
    ? place
    : undefined;
}

function pilotFromNote(recordedAt: Date, recordedBy: string, payload: Record<string, unknown>): PilotVerdict {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const claims = Array.isArray(payload['claims']) ? payload['claims'] : [];
  return {
    recordedAt,
    recordedBy,
    verdict: text(payload['verdict']) ?? 'unknown',
    ruleSetVersion: text(payload['ruleSetVersion']),
    sample: number(payload['sample']),
    wouldPass: number(payload['wouldPass']),
    markdown: text(payload['markdown']),
    claims: claims.flatMap((claim: unknown) => {
      if (typeof claim !== 'object' || claim === null) return [];
      const entry = claim as Record<string, unknown>;
      return [
        {
          id: text(entry['id']) ?? '?',
          verdict: text(entry['verdict']) ?? '?',
          detail: text(entry['detail']) ?? '',
        },
      ];
    }),
  };
}

/**
 * The admin write API (DESIGN §10, §11): `PUT /actors/{path}/params` (JSON merge patch),
 * `GET /actors/{path}/params`, `GET /actors/{path}/history`, `POST /actors/{path}/restart`,
 * `POST /actors/{path}/kill`, `POST /apply` (a whole desired spec) and `GET /config`. Every
 * request passes the access rules first; every failure is problem+json with a stable code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, OverseerError, UnknownActorError } from '../../shared/errors.js';
import { sendJson, sendProblem, type ProblemCode } from '../problem.js';
import { denied, type WriteAccess } from './access.js';
import { BodyError, isYamlBody, readJsonBody, readYamlBody } from './body.js';

/** What the write routes may do to the running system: nothing more reaches the HTTP layer. */
export interface AdminControl {
  readonly access: WriteAccess;
  params(path: string): Readonly<Record<string, unknown>> | undefined;
  updateParams(path: string, patch: Record<string, unknown>): Promise<unknown>;
  history(path: string): readonly unknown[];
  restart(path: string): Promise<unknown>;
  kill(path: string): void;
  /** A spec object, or a config file's text (YAML or JSON) with the name its problems are positioned in. */
  apply(desired: { spec: Record<string, unknown> } | { text: string; file: string }): Promise<unknown>;
  config(): unknown;
}

/** Bases this module answers. */
export const WRITE_BASES = new Set(['/actors', '/apply', '/config']);

const ACTOR_ACTIONS: Record<string, readonly string[]> = { params: ['GET', 'PUT'], history: ['GET'], restart: ['POST'], kill: ['POST'] };

export async function handleWrite(control: AdminControl | undefined, req: IncomingMessage, res: ServerResponse, base: string, subpath: string): Promise<void> {
  if (control === undefined) return sendProblem(res, 404, 'not_found', `no admin endpoint at ${base}: this system has no write API`);
  const route = resolve(base, subpath);
  if (route === undefined) return sendProblem(res, 404, 'not_found', `no admin endpoint at ${base}/${subpath}`, { endpoints: ['/actors/{path}/params', '/actors/{path}/history', '/actors/{path}/restart', '/actors/{path}/kill', '/apply', '/config'] });
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  if (!route.methods.includes(method)) {
    res.setHeader('allow', route.methods.join(', '));
    return sendProblem(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${base}${subpath ? `/${subpath}` : ''}; use ${route.methods.join(' or ')}`);
  }
  const refusal = denied(req, control.access);
  if (refusal) {
    for (const [k, v] of Object.entries(refusal.headers ?? {})) res.setHeader(k, v);
    req.resume();
    return sendProblem(res, refusal.status, refusal.code, refusal.detail);
  }
  try {
    await route.run(control, req, res, method);
  } catch (error) {
    answerError(res, error);
  }
}

interface Route {
  methods: readonly string[];
  run(control: AdminControl, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> | void;
}

function resolve(base: string, subpath: string): Route | undefined {
  if (base === '/apply' && subpath === '') {
    return {
      methods: ['POST'],
      run: async (c, req, res) => {
        const file = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('file')?.slice(0, 500) || 'request body';
        const desired = isYamlBody(req) ? { text: await readYamlBody(req), file } : { spec: await objectBody(req, 'a System spec') };
        sendJson(res, 200, await c.apply(desired));
      },
    };
  }
  if (base === '/config' && subpath === '') return { methods: ['GET'], run: (c, _req, res) => sendJson(res, 200, c.config()) };
  if (base !== '/actors') return undefined;
  const slash = subpath.lastIndexOf('/');
  const path = subpath.slice(0, slash);
  const action = subpath.slice(slash + 1);
  const methods = ACTOR_ACTIONS[action];
  if (slash <= 0 || methods === undefined) return undefined;
  return { methods, run: (c, req, res, method) => actorAction(c, req, res, method, path, action) };
}

async function actorAction(c: AdminControl, req: IncomingMessage, res: ServerResponse, method: string, path: string, action: string): Promise<void> {
  switch (action) {
    case 'params': {
      if (method === 'PUT') {
        const patch = await objectBody(req, 'a JSON merge patch of the params');
        try {
          return sendJson(res, 200, await c.updateParams(path, patch));
        } catch (error) {
          if (error instanceof ConfigError) return sendProblem(res, 400, 'invalid_params', error.message, { problems: error.problems });
          throw error;
        }
      }
      const params = c.params(path);
      if (params === undefined) throw new UnknownActorError(path);
      return sendJson(res, 200, { path, params });
    }
    case 'history':
      return sendJson(res, 200, { path, entries: c.history(path) });
    case 'restart':
      return sendJson(res, 200, await c.restart(path));
    case 'kill':
      c.kill(path);
      return sendJson(res, 202, { path, killed: true });
  }
}

async function objectBody(req: IncomingMessage, what: string): Promise<Record<string, unknown>> {
  const body = await readJsonBody(req);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BodyError(400, 'invalid_json', `the body must be a JSON object: ${what}`);
  return body as Record<string, unknown>;
}

/** Client mistakes by their class; anything else is the server's fault (500, logged by the caller's catch). */
function answerError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  if (error instanceof BodyError) return sendProblem(res, error.status, error.code as ProblemCode, error.message);
  if (error instanceof UnknownActorError) return sendProblem(res, 404, 'unknown_actor', error.message);
  if (error instanceof ConfigError) return sendProblem(res, 400, 'invalid_config', error.message, { problems: error.problems });
  if (error instanceof OverseerError && CONFLICTS.has(error.code)) return sendProblem(res, 409, 'conflict', error.message, { error: error.code });
  if (error instanceof OverseerError && INVALID.has(error.code)) return sendProblem(res, 400, 'bad_request', error.message, { error: error.code });
  sendProblem(res, 500, 'internal_error', (error as Error)?.message ?? String(error));
}

/** Errors that say the tree is not in a state for this action now (the client may retry later). */
const CONFLICTS = new Set(['OVERSEER_ERR_CHILD_RESTARTING', 'OVERSEER_ERR_CHILD_RUNNING', 'OVERSEER_ERR_NOT_RUNNING', 'OVERSEER_ERR_START_FAILED']);
/** Errors that say the request itself is wrong. */
const INVALID = new Set(['OVERSEER_ERR_NOT_A_SUPERVISOR', 'OVERSEER_ERR_NOT_A_WORKER', 'OVERSEER_ERR_NOT_SUPERVISED', 'OVERSEER_ERR_INVALID_BEHAVIOUR']);

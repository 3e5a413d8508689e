import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { runWindow, type EndpointConfig, type Watchlist } from '../shared/config';
import { fail, ok, type Result } from '../shared/common/result';
import { newRunId, runTls } from '../shared/runs';
import { parseHostPort, resolveTarget, validatePort } from '../shared/tls';
import { hostDeps, logProblems, type FunctionDeps } from './function-deps';
import { problemResponse, statusForProblem } from './http-responses';

const MAX_BODY_BYTES = 16 * 1024;
const MAX_TARGETS = 20;

interface Target {
  readonly host: string;
  readonly port: number;
}

type Refusal = { readonly status: 400 | 403 | 413; readonly code: string; readonly message: string };

function targetFromInput(input: unknown, index: number | null): Result<Target> {
  const where = index === null ? '' : `item ${index}: `;
  if (typeof input === 'string') {
    const parsed = parseHostPort(input);
    return parsed.ok ? parsed : fail(parsed.problem.code, `${where}${parsed.problem.message}`);
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) return fail('INVALID_TARGET', `${where}each target is "host[:port]" or { "host": "...", "port": 443 }.`);
  const { host, port, ...rest } = input as Record<string, unknown>;
  // Only host and port come from the caller: a CA path or SNI name from a request is a file read or a confusion waiting to happen.
  if (Object.keys(rest).length) return fail('INVALID_TARGET', `${where}unknown field "${Object.keys(rest)[0].slice(0, 40)}"; only "host" and "port" are accepted.`);
  if (typeof host !== 'string' || !host.trim()) return fail('INVALID_HOST', `${where}"host" must be a non-empty string.`);
  const parsed = parseHostPort(host);
  if (!parsed.ok) return fail(parsed.problem.code, `${where}${parsed.problem.message}`);
  if (port === undefined) return parsed;
  const checkedPort = validatePort(port);
  return checkedPort.ok ? ok({ host: parsed.value.host, port: checkedPort.value }) : fail(checkedPort.problem.code, `${where}${checkedPort.problem.message}`);
}

async function targetsFromRequest(request: HttpRequest): Promise<Result<Target[]> | { refusal: Refusal }> {
  if (request.method === 'GET') {
    const host = request.query.get('host');
    if (!host) return fail('INVALID_HOST', 'Give the endpoint to check: GET /api/tls?host=HOST&port=PORT.');
    const port = request.query.get('port');
    const target = targetFromInput(port === null ? { host } : { host, port }, null);
    return target.ok ? ok([target.value]) : target;
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) return { refusal: { status: 413, code: 'BODY_TOO_LARGE', message: `The request body is limited to ${MAX_BODY_BYTES} bytes.` } };
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { refusal: { status: 413, code: 'BODY_TOO_LARGE', message: `The request body is limited to ${MAX_BODY_BYTES} bytes.` } };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('INVALID_JSON', 'The body must be a JSON list of targets: ["host:port", { "host": "...", "port": 443 }].');
  }
  const list = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { endpoints?: unknown }).endpoints) ? (body as { endpoints: unknown[] }).endpoints : null;
  if (!list) return fail('INVALID_JSON', 'The body must be a JSON list of targets (or { "endpoints": [...] }).');
  if (list.length === 0) return fail('INVALID_TARGET', 'The list of targets is empty.');
  if (list.length > MAX_TARGETS) return fail('TOO_MANY_TARGETS', `At most ${MAX_TARGETS} targets per request.`);
  const targets: Target[] = [];
  for (const [index, item] of list.entries()) {
    const target = targetFromInput(item, index);
    if (!target.ok) return target;
    targets.push(target.value);
  }
  return ok(targets);
}

function watchlistEndpoint(watchlist: Watchlist, target: Target): EndpointConfig | undefined {
  return watchlist.endpoints.find((endpoint) => endpoint.host.toLowerCase() === target.host.toLowerCase() && (endpoint.port ?? 443) === target.port);
}

function adHocEndpoint(target: Target): EndpointConfig {
  const id = `adhoc-${target.host.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}-${target.port}`.slice(0, 80);
  return { id, host: target.host, port: target.port };
}

export function makeTlsHttpHandler(deps: FunctionDeps) {
  return async function tlsHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return { ...problemResponse(405, { code: 'METHOD_NOT_ALLOWED', message: 'Use GET /api/tls?host=H&port=P or POST /api/tls with a JSON list.' }), headers: { Allow: 'GET, POST' } };
    }
    const targets = await targetsFromRequest(request);
    if ('refusal' in targets) return problemResponse(targets.refusal.status, targets.refusal);
    if (!targets.ok) return problemResponse(400, targets.problem);

    const watchlist = await deps.getWatchlist();
    if (!watchlist.ok) return problemResponse(500, watchlist.problem);
    const endpoints: EndpointConfig[] = [];
    for (const target of targets.value) {
      const listed = watchlistEndpoint(watchlist.value, target);
      if (!listed && !deps.settings.tlsAllowAnyHost) {
        return problemResponse(403, { code: 'TARGET_NOT_ALLOWED', message: `${target.host}:${target.port} is not an endpoint on the watchlist; only watchlist endpoints can be checked on demand.` });
      }
      endpoints.push(listed ?? adHocEndpoint(target));
    }
    // Refuse before any connection: every address a target resolves to must be allowed. The check
    // itself validates again after its own resolution, so a name that re-resolves elsewhere is caught too.
    for (const endpoint of endpoints) {
      const resolved = await resolveTarget(endpoint.host, { allowPrivate: deps.settings.tlsAllowPrivate, allAddresses: true, opaqueErrors: true, lookup: deps.tls?.lookup });
      if (!resolved.ok) return problemResponse(403, { code: 'TARGET_NOT_ALLOWED', message: `${endpoint.host}:${endpoint.port ?? 443} cannot be checked from here.` });
    }

    const store = await deps.getStore();
    if (!store.ok) return problemResponse(statusForProblem(store.problem), store.problem);
    const startedAt = deps.now();
    const summary = await runTls(store.value, {
      endpoints,
      runId: newRunId(startedAt),
      startedAt,
      ...runWindow(startedAt, deps.settings, 'http'),
      concurrency: deps.settings.concurrency,
      tls: { allowPrivate: deps.settings.tlsAllowPrivate, opaqueErrors: true, timeoutMs: deps.settings.tlsTimeoutMs, ...deps.tls },
      trigger: 'http',
      onProgress: (result, done, total) => context.log(`tls ${done}/${total} ${result.id} ${result.address ?? ''}: ${result.compliant ? 'compliant' : 'not compliant'}`),
    });
    logProblems(context, 'tls run', summary.problems);
    return { status: 200, jsonBody: summary };
  };
}

export const tlsHttpHandler = makeTlsHttpHandler(hostDeps());

app.http('tlsHttp', { methods: ['GET', 'POST'], authLevel: 'function', route: 'tls', handler: tlsHttpHandler });

import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { redactJson } from '../shared/common/redact';
import { fail, ok, type Result } from '../shared/common/result';
import type { EndpointConfig } from '../shared/config';
import { newRunId, runTls } from '../shared/runs';
import {
  adHocEndpoint,
  findWatchlistEndpoint,
  parseTargetInput,
  parseTargetList,
  resolveTarget,
  type TargetInput,
} from '../shared/tls';
import { type FunctionDeps, hostDeps, logProblems, tlsRunOptions } from './function-deps';
import { problemResponse, statusForProblem } from './http-responses';

const MAX_BODY_BYTES = 16 * 1024;

type Refusal = { readonly status: 400 | 403 | 413; readonly code: string; readonly message: string };

async function targetsFromRequest(request: HttpRequest): Promise<Result<TargetInput[]> | { refusal: Refusal }> {
  if (request.method === 'GET') {
    const host = request.query.get('host');
    if (!host) return fail('INVALID_HOST', 'Give the endpoint to check: GET /api/tls?host=HOST&port=PORT.');
    const port = request.query.get('port');
    const target = parseTargetInput(port === null ? { host } : { host, port }, null);
    return target.ok ? ok([target.value]) : target;
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES)
    return {
      refusal: {
        status: 413,
        code: 'BODY_TOO_LARGE',
        message: `The request body is limited to ${MAX_BODY_BYTES} bytes.`,
      },
    };
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    return {
      refusal: {
        status: 413,
        code: 'BODY_TOO_LARGE',
        message: `The request body is limited to ${MAX_BODY_BYTES} bytes.`,
      },
    };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(
      'INVALID_JSON',
      'The body must be a JSON list of targets: ["host:port", { "host": "...", "port": 443 }].',
    );
  }
  return parseTargetList(body);
}

export function makeTlsHttpHandler(deps: FunctionDeps) {
  return async function tlsHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return {
        ...problemResponse(405, {
          code: 'METHOD_NOT_ALLOWED',
          message: 'Use GET /api/tls?host=H&port=P or POST /api/tls with a JSON list.',
        }),
        headers: { Allow: 'GET, POST' },
      };
    }
    const targets = await targetsFromRequest(request);
    if ('refusal' in targets) return problemResponse(targets.refusal.status, targets.refusal);
    if (!targets.ok) return problemResponse(400, targets.problem);

    const watchlist = await deps.getWatchlist();
    if (!watchlist.ok) return problemResponse(500, watchlist.problem);
    const endpoints: EndpointConfig[] = [];
    for (const target of targets.value) {
      const listed = findWatchlistEndpoint(watchlist.value.endpoints, target);
      if (!listed && !deps.settings.tlsAllowAnyHost) {
        return problemResponse(403, {
          code: 'TARGET_NOT_ALLOWED',
          message: `${target.host}:${target.port} is not an endpoint on the watchlist; only watchlist endpoints can be checked on demand.`,
        });
      }
      const endpoint = listed ?? adHocEndpoint(target);
      // Two spellings of one watchlist endpoint (host case) are still one check.
      if (!endpoints.some((known) => known.id === endpoint.id)) endpoints.push(endpoint);
    }
    // Refuse before any connection: every address a target resolves to must be allowed. The check
    // itself validates again after its own resolution, so a name that re-resolves elsewhere is caught too.
    for (const endpoint of endpoints) {
      const resolved = await resolveTarget(endpoint.host, {
        allowPrivate: deps.settings.tlsAllowPrivate,
        allAddresses: true,
        opaqueErrors: true,
        lookup: deps.tls?.lookup,
        timeoutMs: deps.settings.tlsTimeoutMs,
      });
      if (!resolved.ok)
        return problemResponse(403, {
          code: 'TARGET_NOT_ALLOWED',
          message: `${endpoint.host}:${endpoint.port ?? 443} cannot be checked from here.`,
        });
    }

    const store = await deps.getStore();
    if (!store.ok) return problemResponse(statusForProblem(store.problem), store.problem);
    const startedAt = deps.now();
    const summary = await runTls(store.value, {
      endpoints,
      ...tlsRunOptions(deps, context, 'http', newRunId(startedAt), startedAt, deps.settings.tlsAllowPrivate, true),
    });
    logProblems(context, 'tls run', summary.problems);
    // Storage failed and nothing was recorded: a server-side outage, as driftHttp reports it, with what was found.
    const storageDown = summary.problems.find((problem) => problem.code.startsWith('STORAGE_'));
    if (storageDown && !summary.endpoints.some((endpoint) => endpoint.report)) {
      return {
        status: 503,
        // Storage's own words are in it: nothing secret may leave.
        jsonBody: redactJson({ error: { code: storageDown.code, message: storageDown.message }, run: summary }),
      };
    }
    return { status: 200, jsonBody: summary };
  };
}

export const tlsHttpHandler = makeTlsHttpHandler(hostDeps());

app.http('tlsHttp', { methods: ['GET', 'POST'], authLevel: 'function', route: 'tls', handler: tlsHttpHandler });

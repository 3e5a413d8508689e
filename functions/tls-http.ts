import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { redactJson } from '../shared/common/redact';
import { fail, ok, type Result } from '../shared/common/result';
import { newRunId, runTls, tlsRunOptions } from '../shared/runs';
import { authoriseTargets, parseTargetInput, parseTargetList, type TargetInput } from '../shared/tls';
import { type FunctionDeps, hostDeps, logProblems, logTlsProgress } from './function-deps';
import { isOutage, problemResponse } from './http-responses';

const MAX_BODY_BYTES = 16 * 1024;

async function targetsFromRequest(request: HttpRequest): Promise<Result<TargetInput[]>> {
  if (request.method === 'GET') {
    const host = request.query.get('host');
    if (!host) return fail('HOST_INVALID', 'Give the endpoint to check: GET /api/tls?host=HOST&port=PORT.');
    const port = request.query.get('port');
    const target = parseTargetInput(port === null ? { host } : { host, port }, null);
    return target.ok ? ok([target.value]) : target;
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES)
    return fail('BODY_TOO_LARGE', `The request body is limited to ${MAX_BODY_BYTES} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    return fail('BODY_TOO_LARGE', `The request body is limited to ${MAX_BODY_BYTES} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(
      'JSON_INVALID',
      'The body must be a JSON list of targets: ["host:port", { "host": "...", "port": 443 }].',
    );
  }
  return parseTargetList(body);
}

export function makeTlsHttpHandler(deps: FunctionDeps) {
  return async function tlsHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return {
        ...problemResponse({
          code: 'METHOD_NOT_ALLOWED',
          message: 'Use GET /api/tls?host=H&port=P or POST /api/tls with a JSON list.',
        }),
        headers: { Allow: 'GET, POST' },
      };
    }
    const targets = await targetsFromRequest(request);
    if (!targets.ok) return problemResponse(targets.problem);

    const watchlist = await deps.getWatchlist();
    if (!watchlist.ok) return problemResponse(watchlist.problem);
    const endpoints = await authoriseTargets(targets.value, watchlist.value.endpoints, {
      allowAnyHost: deps.settings.tlsAllowAnyHost,
      allowPrivate: deps.settings.tlsAllowPrivate,
      lookup: deps.tls?.lookup,
      timeoutMs: deps.settings.tlsTimeoutMs,
    });
    if (!endpoints.ok) return problemResponse(endpoints.problem);

    const store = await deps.getStore();
    if (!store.ok) return problemResponse(store.problem);
    const startedAt = deps.now();
    const summary = await runTls(
      store.value,
      endpoints.value,
      tlsRunOptions(
        {
          settings: deps.settings,
          trigger: 'http',
          runId: newRunId(startedAt),
          startedAt,
          now: deps.now,
          onProgress: logTlsProgress(context),
        },
        // Caller input: internal addresses only when the host allows them, and refusals that reveal nothing.
        { allowPrivate: deps.settings.tlsAllowPrivate, opaqueErrors: true },
        deps.tls,
      ),
    );
    logProblems(context, 'tls run', summary.problems);
    // Storage failed and nothing was recorded: a server-side outage, as driftHttp reports it, with what was found.
    const storageDown = summary.problems.find(isOutage);
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

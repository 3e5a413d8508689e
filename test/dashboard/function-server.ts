import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { testContext } from '../support/function-harness';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface FunctionRoute {
  /** Route prefix as the Functions host sees it, without `/api/`: `reports` serves `/api/reports` and `/api/reports/<rest>`. */
  readonly route: string;
  /** Name of the catch-all route parameter the rest of the path is given as (`name` for `reports/{*name}`). */
  readonly param: string;
  /** For routes with several parameters (`reports/notices/{id}/{view?}`): the parameters the rest of the path gives. */
  readonly params?: (rest: string) => Record<string, string>;
  readonly handler: Handler;
}

export interface FunctionServer {
  readonly origin: string;
  /** Every request path seen, with its query, in order (to check that the function key was forwarded). */
  readonly requests: string[];
  /** Handlers that threw; a test asserts this stays empty. */
  readonly errors: string[];
  close(): Promise<void>;
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function writeResponse(response: ServerResponse, init: HttpResponseInit): Promise<void> {
  const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
  let body: Buffer | string = '';
  if (init.jsonBody !== undefined) {
    body = JSON.stringify(init.jsonBody);
    // What the Functions host does for jsonBody.
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (typeof init.body === 'string') {
    body = init.body;
  } else if (init.body instanceof Uint8Array) {
    body = Buffer.from(init.body);
  } else if (init.body !== undefined && init.body !== null) {
    throw new Error('function-server: only string, bytes and jsonBody responses are adapted');
  }
  headers.forEach((value, name) => response.setHeader(name, value));
  response.writeHead(init.status ?? 200);
  response.end(body);
}

/**
 * A stand-in for the Functions host on a loopback port: maps `/api/<route>/<rest>` to a handler
 * with `<rest>` as its catch-all parameter, and enforces `authLevel: function` by requiring
 * `?code=<functionKey>` on every request, as the host does when a key is configured.
 */
export async function startFunctionServer(
  routes: readonly FunctionRoute[],
  options: { functionKey?: string } = {},
): Promise<FunctionServer> {
  const requests: string[] = [];
  const errors: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname + url.search);
    // The most specific route wins (`reports/notices` before `reports`).
    const match = routes
      .map((route) => ({ route, base: `/api/${route.route}` }))
      .sort((a, b) => b.base.length - a.base.length)
      .find(({ base }) => url.pathname === base || url.pathname.startsWith(`${base}/`));
    if (!match) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such function');
      return;
    }
    if (options.functionKey !== undefined && url.searchParams.get('code') !== options.functionKey) {
      response.writeHead(401, { 'content-type': 'text/plain' }).end('function key required');
      return;
    }
    const rest = url.pathname.slice(match.base.length + 1);
    const respond = (httpRequest: HttpRequest) =>
      match.route
        .handler(httpRequest, testContext(match.route.route).context)
        .then((init) => writeResponse(response, init))
        .catch((error: unknown) => {
          // A handler that throws is a bug the test must see, not a silent 500.
          errors.push(`${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          response
            .writeHead(500, { 'content-type': 'text/plain' })
            .end(`handler threw: ${error instanceof Error ? error.message : String(error)}`);
        });
    // The body is read whole, as the Functions host does before calling a handler.
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      void respond(
        new HttpRequest({
          method: request.method ?? 'GET',
          url: `http://${request.headers.host ?? '127.0.0.1'}${request.url ?? '/'}`,
          headers: flattenHeaders(request),
          params: match.route.params ? match.route.params(rest) : { [match.route.param]: rest },
          ...(body.length > 0 ? { body: { bytes: body } } : {}),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Load scenario: a watchlist of many notices (drift) and many TLS endpoints, all on loopback, against
 * real Azurite. Prints wall time, checks/s, peak RSS/heap, results kept and what was not reached.
 *
 *   npx tsc -p . && node dist/bench/load-bench.js [--notices 2000] [--endpoints 2000] [--changed 200]
 *        [--concurrency 4] [--tls-concurrency 16] [--per-address 4] [--addresses 8] [--budget-ms 480000]
 *
 * The local servers run in a child process (this same file with --serve), so the figures of this
 * process are those of the checker alone, as in a Function App, and the servers use the other core.
 * The scenario builders are exported for test/load/load.test.ts, which runs them in-process.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import v8 from 'node:v8';
import vm from 'node:vm';

import forge from 'node-forge';

import type { EndpointConfig, NoticeConfig } from '../shared/config';
import { readLatest } from '../shared/reports';
import { type DriftRunSummary, newRunId, runDrift, runTls, type TlsRunSummary } from '../shared/runs';
import { CONTAINERS, type ObjectStore, startEmbeddedAzurite, storeFromConnectionString } from '../shared/storage';

// ---------------------------------------------------------------------------------------------
// Notice bodies: deterministic, realistic markdown of 5-20 KB, generated on demand so neither the
// server nor the harness holds them all.

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADINGS = [
  'Personal data we collect',
  'How we use personal data',
  'Reasons we share personal data',
  'How to access and control your personal data',
  'Cookies and similar technologies',
  'Retention of personal data',
  'Security of personal data',
  'Where we store and process personal data',
  'Our retention of personal data',
  'Children and privacy',
  'Your rights under data protection law',
  'How to contact us',
];

const SENTENCES = [
  'We collect personal data from you through your interactions with us and through our products.',
  'You provide some of this data directly, and we get some of it by collecting data about your interactions, use and experiences.',
  'The data we collect depends on the context of your interactions with us and the choices you make, including your privacy settings.',
  'We use the data we collect to provide you with rich, interactive experiences and to improve and develop our products.',
  'We share your personal data with your consent or to complete any transaction or provide any product you have requested or authorised.',
  'We also share personal data with vendors or agents working on our behalf for the purposes described in this statement.',
  'Cookies are small text files placed on your device to store data that can be recalled by a web server in the domain that placed the cookie.',
  'Third parties may use cookies and similar technologies to collect information about your online activities over time and across different websites.',
  'We retain personal data for as long as necessary to provide the products and fulfil the transactions you have requested.',
  'You can exercise your right to access, correct, delete or port your personal data by contacting us through the web form.',
  'We are committed to protecting the security of your personal data and use a variety of security technologies and procedures.',
  'Personal data collected by us may be stored and processed in your region, in the United States, and in any other country where we or our processors operate.',
  'The controller of your personal data is the company named at the end of this statement, and our data protection officer can be reached there.',
  'When we rely on legitimate interests to process your data, we balance those interests against your rights and freedoms.',
  'Connections to the service are encrypted, and transport layer security version one point two or higher is required for every endpoint.',
  'If you have a privacy concern, complaint or question, please contact us and we will respond within the time the law allows.',
];

const WORD_NUMBERS = [
  'thirty',
  'sixty',
  'ninety',
  'one hundred and twenty',
  'one hundred and eighty',
  'three hundred and sixty-five',
];

/** Version 1 and 2 of notice `index`; version 2 keeps data longer and adds a processor section. */
export function noticeBody(index: number, version: number): string {
  const random = prng(index * 7919 + 17);
  const target = 5_000 + Math.floor(random() * 15_000);
  const days = WORD_NUMBERS[index % 3];
  const laterDays = WORD_NUMBERS[3 + (index % 3)];
  const parts: string[] = [
    '---',
    `title: "Privacy notice for Contoso service ${index}"`,
    `description: "How Contoso service ${index} handles customer data."`,
    `ms.date: ${version === 1 ? '03/14/2026' : '05/02/2026'}`,
    'author: contoso-docs',
    '---',
    '',
    `# Contoso service ${index} privacy notice`,
    '',
    'Your privacy matters to us. This notice explains what personal data the service collects, how we process it and your rights.',
    '',
    '## Data retention',
    '',
    `We keep activity data for ${version === 1 ? days : laterDays} days.`,
    '',
  ];
  if (version > 1)
    parts.push(
      '## Sharing with processors',
      '',
      `We share engagement scores with our analytics processor, Fabrikam, under contract ${index}.`,
      '',
    );
  let length = parts.reduce((sum, part) => sum + part.length + 1, 0);
  let section = 0;
  while (length < target) {
    const heading = `## ${HEADINGS[(index + section) % HEADINGS.length]} (part ${section + 1})`;
    parts.push(heading, '');
    length += heading.length + 2;
    const paragraphs = 2 + Math.floor(random() * 3);
    for (let p = 0; p < paragraphs && length < target; p += 1) {
      const sentences = 3 + Math.floor(random() * 4);
      const paragraph: string[] = [];
      for (let s = 0; s < sentences; s += 1) paragraph.push(SENTENCES[Math.floor(random() * SENTENCES.length)]);
      const text = paragraph.join(' ');
      parts.push(text, '');
      length += text.length + 2;
    }
    section += 1;
  }
  return parts.join('\n');
}

export function noticeBodyBytes(index: number, version: number): number {
  return Buffer.byteLength(noticeBody(index, version));
}

// ---------------------------------------------------------------------------------------------
// The notice server: one HTTP server, one path per notice, versions chosen by the caller.

export interface LoadNoticeServerOptions {
  readonly host?: string;
  /** Delay before each answer. */
  readonly delayMs?: number;
  /** Serve ETags and answer If-None-Match with 304 (what real docs sites do). Default false: every check reads the whole body. */
  readonly etags?: boolean;
}

export interface LoadNoticeServer {
  readonly origin: string;
  /** Notices (by index) served as version 2 from now on. */
  setChanged(indexes: Iterable<number>): void;
  /** Notices (by index) whose requests are held open and never answered. */
  setHanging(indexes: Iterable<number>): void;
  readonly stats: { requests: number; bodies: number; bytes: number; notModified: number };
  close(): Promise<void>;
}

export function noticePath(index: number): string {
  return `/notices/n${index}.md`;
}

export async function startLoadNoticeServer(options: LoadNoticeServerOptions = {}): Promise<LoadNoticeServer> {
  let changed = new Set<number>();
  let hanging = new Set<number>();
  const stats = { requests: 0, bodies: 0, bytes: 0, notModified: 0 };
  const server: Server = createServer((request, response) => {
    stats.requests += 1;
    const match = /^\/notices\/n(\d+)\.md$/.exec((request.url ?? '').split('?')[0]);
    if (!match) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such notice');
      return;
    }
    const index = Number(match[1]);
    if (hanging.has(index)) return; // Held open: the client's timeout or the run's hard deadline must deal with it.
    const answer = () => {
      const version = changed.has(index) ? 2 : 1;
      const etag = `"n${index}-v${version}"`;
      if (options.etags && request.headers['if-none-match'] === etag) {
        stats.notModified += 1;
        response.writeHead(304, { etag }).end();
        return;
      }
      const body = noticeBody(index, version);
      stats.bodies += 1;
      stats.bytes += Buffer.byteLength(body);
      response
        .writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', ...(options.etags ? { etag } : {}) })
        .end(body);
    };
    if (options.delayMs) setTimeout(answer, options.delayMs);
    else answer();
  });
  server.keepAliveTimeout = 1_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    stats,
    setChanged: (indexes) => {
      changed = new Set(indexes);
    },
    setHanging: (indexes) => {
      hanging = new Set(indexes);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function loadNotices(origin: string, count: number, prefix = 'load'): NoticeConfig[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    url: `${origin}${noticePath(index)}`,
    format: 'markdown' as const,
  }));
}

/** The ~10% that change in the second run: every tenth notice. */
export function changedIndexes(count: number, every = 10): number[] {
  return Array.from({ length: count }, (_, index) => index).filter((index) => index % every === 3);
}

// ---------------------------------------------------------------------------------------------
// TLS fleet: a few servers on several loopback addresses, each with a known protocol matrix.

export interface TlsCredentials {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export type ServerKind = 'modern' | 'legacy' | 'tls12';

export const SERVER_KINDS: Record<
  ServerKind,
  {
    min: tls.SecureVersion;
    max: tls.SecureVersion;
    protocols: Record<string, 'accepted' | 'rejected'>;
    compliant: boolean;
  }
> = {
  modern: {
    min: 'TLSv1.2',
    max: 'TLSv1.3',
    protocols: {
      SSLv3: 'rejected',
      TLSv1: 'rejected',
      'TLSv1.1': 'rejected',
      'TLSv1.2': 'accepted',
      'TLSv1.3': 'accepted',
    },
    compliant: true,
  },
  legacy: {
    min: 'TLSv1',
    max: 'TLSv1.3',
    protocols: {
      SSLv3: 'rejected',
      TLSv1: 'accepted',
      'TLSv1.1': 'accepted',
      'TLSv1.2': 'accepted',
      'TLSv1.3': 'accepted',
    },
    compliant: false,
  },
  tls12: {
    min: 'TLSv1.2',
    max: 'TLSv1.2',
    protocols: {
      SSLv3: 'rejected',
      TLSv1: 'rejected',
      'TLSv1.1': 'rejected',
      'TLSv1.2': 'accepted',
      'TLSv1.3': 'rejected',
    },
    compliant: true,
  },
};

export interface FleetServer {
  readonly kind: ServerKind;
  readonly host: string;
  readonly port: number;
}

export interface TlsFleet {
  readonly servers: FleetServer[];
  /** Handshakes the servers completed. */
  readonly handshakes: () => number;
  close(): Promise<void>;
}

/** Loopback addresses 127.0.0.1 .. 127.0.0.n; all route to `lo` on Linux. */
export function loopbackAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `127.0.0.${index + 1}`);
}

/** One server of every kind on each address. */
export async function startTlsFleet(credentials: TlsCredentials, addresses: readonly string[]): Promise<TlsFleet> {
  let handshakes = 0;
  const running: Array<{ server: FleetServer; close: () => Promise<void> }> = [];
  for (const host of addresses) {
    for (const kind of Object.keys(SERVER_KINDS) as ServerKind[]) {
      const spec = SERVER_KINDS[kind];
      const server = tls.createServer({
        cert: credentials.certPem,
        key: credentials.keyPem,
        minVersion: spec.min,
        maxVersion: spec.max,
        ciphers: 'DEFAULT:@SECLEVEL=0',
      });
      const sockets = new Set<net.Socket>();
      server.on('connection', (socket: net.Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => sockets.delete(socket));
      });
      server.on('tlsClientError', () => undefined);
      server.on('secureConnection', (socket) => {
        handshakes += 1;
        socket.on('error', () => undefined);
        socket.end();
      });
      const port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
      });
      running.push({
        server: { kind, host, port },
        close: () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
          }),
      });
    }
  }
  return {
    servers: running.map((entry) => entry.server),
    handshakes: () => handshakes,
    close: async () => void (await Promise.all(running.map((entry) => entry.close()))),
  };
}

/** `count` endpoints spread round-robin over the fleet; the kind of each tells its expected verdicts. */
export function fleetEndpoints(
  servers: readonly FleetServer[],
  count: number,
  prefix = 'ep',
): Array<EndpointConfig & { kind: ServerKind }> {
  return Array.from({ length: count }, (_, index) => {
    const server = servers[index % servers.length];
    return {
      id: `${prefix}-${index}`,
      host: server.host,
      port: server.port,
      servername: 'localhost',
      kind: server.kind,
    };
  });
}

function newRsaKey(): { forgeKey: forge.pki.rsa.PrivateKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { forgeKey: forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey, pem };
}

/** A throwaway CA and a localhost certificate it signed (the tests use buildTestPki instead). */
export function benchCredentials(): TlsCredentials {
  const day = 86_400_000;
  const make = (
    commonName: string,
    isCa: boolean,
    serial: string,
    issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
  ) => {
    const key = newRsaKey();
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.forgeKey.n, key.forgeKey.e);
    cert.serialNumber = serial;
    cert.validity.notBefore = new Date(Date.now() - day);
    cert.validity.notAfter = new Date(Date.now() + 365 * day);
    const subject = [{ name: 'commonName', value: commonName }];
    cert.setSubject(subject);
    cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: isCa, critical: true },
      {
        name: 'keyUsage',
        keyCertSign: isCa,
        cRLSign: isCa,
        digitalSignature: true,
        keyEncipherment: !isCa,
        critical: true,
      },
      ...(isCa
        ? []
        : [
            { name: 'extKeyUsage', serverAuth: true },
            { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
          ]),
    ]);
    cert.sign(issuer ? issuer.key : key.forgeKey, forge.md.sha256.create());
    return { cert, key: key.forgeKey, certPem: forge.pki.certificateToPem(cert), keyPem: key.pem };
  };
  const ca = make('noticewatch load-bench root', true, '01');
  const leaf = make('localhost', false, '02', ca);
  return { caPem: ca.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem };
}

// ---------------------------------------------------------------------------------------------
// Storage: real Azurite (in memory), the same embedded emulator the CLI and the tests use.

export interface QuietAzurite {
  readonly connectionString: string;
  stop(): Promise<void>;
}

export async function startQuietAzurite(): Promise<QuietAzurite> {
  const started = await startEmbeddedAzurite();
  if (!started.ok) throw new Error(`${started.problem.code}: ${started.problem.message}`);
  return started.value;
}

// ---------------------------------------------------------------------------------------------
// Memory: peak RSS and heap sampled on a timer, and optionally the live heap after a forced GC.

/** A full-GC function: the global one under --expose-gc, else obtained through the V8 flag; null if neither works. */
export function findGc(): (() => void) | null {
  const global = (globalThis as { gc?: () => void }).gc;
  if (typeof global === 'function') return global;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

export interface MemoryFigures {
  readonly samples: number;
  readonly baseline: { rss: number; heapUsed: number; external: number };
  readonly peakRss: number;
  readonly peakHeapUsed: number;
  readonly peakExternal: number;
  /** Largest heapUsed right after a forced full GC: what was really alive. Null without a GC function. */
  readonly peakLiveHeap: number | null;
  readonly liveSamples: number;
}

export class MemorySampler {
  private readonly timer: NodeJS.Timeout;
  private readonly liveTimer: NodeJS.Timeout | null;
  private readonly baseline: { rss: number; heapUsed: number; external: number };
  private peakRss = 0;
  private peakHeapUsed = 0;
  private peakExternal = 0;
  private peakLive: number | null = null;
  private samples = 0;
  private liveSamples = 0;

  /** `liveEveryMs` > 0 also forces a full GC that often and records the heap left alive. */
  constructor(
    private readonly gc: (() => void) | null,
    intervalMs = 100,
    liveEveryMs = 0,
  ) {
    gc?.();
    const usage = process.memoryUsage();
    this.baseline = { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external + usage.arrayBuffers };
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.liveTimer = gc && liveEveryMs > 0 ? setInterval(() => this.sampleLive(), liveEveryMs) : null;
    this.liveTimer?.unref();
  }

  private sample(): void {
    const usage = process.memoryUsage();
    this.samples += 1;
    this.peakRss = Math.max(this.peakRss, usage.rss);
    this.peakHeapUsed = Math.max(this.peakHeapUsed, usage.heapUsed);
    this.peakExternal = Math.max(this.peakExternal, usage.external + usage.arrayBuffers);
  }

  private sampleLive(): void {
    if (!this.gc) return;
    this.sample();
    this.gc();
    this.liveSamples += 1;
    this.peakLive = Math.max(this.peakLive ?? 0, process.memoryUsage().heapUsed);
  }

  stop(): MemoryFigures {
    clearInterval(this.timer);
    if (this.liveTimer) clearInterval(this.liveTimer);
    this.sample();
    if (this.gc) this.sampleLive();
    return {
      samples: this.samples,
      baseline: this.baseline,
      peakRss: this.peakRss,
      peakHeapUsed: this.peakHeapUsed,
      peakExternal: this.peakExternal,
      peakLiveHeap: this.peakLive,
      liveSamples: this.liveSamples,
    };
  }
}

export const mib = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MiB`;

// ---------------------------------------------------------------------------------------------
// Verification helpers shared by the bench and the test.

/** Report names of `names` that are missing from the reports container (checked `parallel` at a time). */
export async function missingReports(store: ObjectStore, names: readonly string[], parallel = 16): Promise<string[]> {
  const missing: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      const found = await store.get(CONTAINERS.reports, name);
      if (!found.ok || !found.value) missing.push(name);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return missing.sort();
}

/** A run summary blob, parsed. */
export async function readSummary<T>(store: ObjectStore, name: string | null): Promise<T | null> {
  if (!name) return null;
  const found = await store.get(CONTAINERS.reports, name);
  return found.ok && found.value ? (JSON.parse(found.value.body.toString('utf8')) as T) : null;
}

export interface TimedDrift {
  readonly summary: DriftRunSummary;
  readonly wallMs: number;
  readonly memory: MemoryFigures;
}

export async function timedDrift(
  notices: readonly NoticeConfig[],
  store: ObjectStore,
  options: {
    suffix: string;
    concurrency: number;
    budgetMs?: number;
    graceMs?: number;
    gc?: (() => void) | null;
    liveEveryMs?: number;
    fetchTimeoutMs?: number;
  },
): Promise<TimedDrift> {
  const startedAt = new Date();
  const sampler = new MemorySampler(options.gc ?? null, 100, options.liveEveryMs ?? 0);
  const began = performance.now();
  const deadline = options.budgetMs !== undefined ? startedAt.getTime() + options.budgetMs : undefined;
  const summary = await runDrift(store, notices, {
    runId: newRunId(startedAt, options.suffix),
    startedAt,
    deadline,
    hardDeadline: deadline !== undefined ? deadline + (options.graceMs ?? 60_000) : undefined,
    concurrency: options.concurrency,
    fetchOptions: { timeoutMs: options.fetchTimeoutMs ?? 20_000, retries: 0 },
    trigger: 'load-bench',
  });
  const wallMs = performance.now() - began;
  return { summary, wallMs, memory: sampler.stop() };
}

export interface TimedTls {
  readonly summary: TlsRunSummary;
  readonly wallMs: number;
  /** When the last endpoint check finished, from the start; what follows is report writing. */
  readonly checksDoneMs: number;
  readonly memory: MemoryFigures;
}

export async function timedTls(
  endpoints: readonly EndpointConfig[],
  store: ObjectStore,
  options: {
    suffix: string;
    concurrency: number;
    perAddress: number;
    caPem: string;
    budgetMs?: number;
    timeoutMs?: number;
    gc?: (() => void) | null;
  },
): Promise<TimedTls> {
  const startedAt = new Date();
  const sampler = new MemorySampler(options.gc ?? null, 100, 0);
  const began = performance.now();
  let checksDoneMs = 0;
  const deadline = options.budgetMs !== undefined ? startedAt.getTime() + options.budgetMs : undefined;
  const checked = endpoints.map(({ id, host, port, servername }) => ({ id, host, port, servername }));
  const summary = await runTls(store, checked, {
    onProgress: () => {
      checksDoneMs = performance.now() - began;
    },
    runId: newRunId(startedAt, options.suffix),
    startedAt,
    deadline,
    hardDeadline: deadline !== undefined ? deadline + 60_000 : undefined,
    concurrency: options.concurrency,
    tls: {
      allowPrivate: true,
      timeoutMs: options.timeoutMs ?? 5_000,
      ca: options.caPem,
      perAddressConnections: options.perAddress,
    },
    trigger: 'load-bench',
  });
  const wallMs = performance.now() - began;
  return { summary, wallMs, checksDoneMs, memory: sampler.stop() };
}

/** Endpoint results whose verdicts differ from what their server kind promises. */
export function wrongVerdicts(
  summary: TlsRunSummary,
  endpoints: ReadonlyArray<{ id: string; kind: ServerKind }>,
): string[] {
  const kinds = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.kind]));
  const wrong: string[] = [];
  for (const result of summary.endpoints) {
    const spec = SERVER_KINDS[kinds.get(result.id) ?? 'modern'];
    const same = Object.entries(spec.protocols).every(
      ([name, verdict]) => result.protocols[name as keyof typeof result.protocols] === verdict,
    );
    if (
      !same ||
      result.compliant !== spec.compliant ||
      result.certificate?.trusted !== true ||
      result.certificate.hostnameMatches !== true
    ) {
      wrong.push(
        `${result.id} (${kinds.get(result.id)}): ${JSON.stringify(result.protocols)} compliant=${result.compliant} ${result.findings.map((f) => f.id).join(',')}`,
      );
    }
  }
  return wrong;
}

// ---------------------------------------------------------------------------------------------
// The bench itself.

interface Args {
  notices: number;
  endpoints: number;
  every: number;
  concurrency: number;
  tlsConcurrency: number;
  perAddress: number;
  addresses: number;
  budgetMs: number;
  etags: boolean;
  liveGc: boolean;
  inProcess: boolean;
  embeddedAzurite: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] !== undefined ? Number(argv[index + 1]) : fallback;
  };
  return {
    notices: value('notices', 2_000),
    endpoints: value('endpoints', 2_000),
    every: value('changed-every', 10),
    concurrency: value('concurrency', 4),
    tlsConcurrency: value('tls-concurrency', 16),
    perAddress: value('per-address', 4),
    addresses: value('addresses', 8),
    budgetMs: value('budget-ms', 8 * 60_000),
    etags: argv.includes('--etags'),
    liveGc: argv.includes('--live-gc'),
    inProcess: argv.includes('--in-process'),
    embeddedAzurite: argv.includes('--embedded-azurite'),
  };
}

type ServeRequest =
  | { type: 'start'; addresses: string[]; credentials: TlsCredentials; etags: boolean }
  | { type: 'changed'; indexes: number[] }
  | { type: 'stop' };
type ServeReply =
  | { type: 'ready'; origin: string; servers: FleetServer[] }
  | { type: 'changed' }
  | { type: 'stats'; stats: LoadNoticeServer['stats']; handshakes: number };

/** Child-process side: runs the notice server and the TLS fleet until told to stop. */
async function serve(): Promise<void> {
  let notices: LoadNoticeServer | null = null;
  let fleet: TlsFleet | null = null;
  const send = (reply: ServeReply) => process.send?.(reply);
  process.on('message', (message: ServeRequest) => {
    void (async () => {
      if (message.type === 'start') {
        notices = await startLoadNoticeServer({ etags: message.etags });
        fleet = await startTlsFleet(message.credentials, message.addresses);
        send({ type: 'ready', origin: notices.origin, servers: fleet.servers });
      } else if (message.type === 'changed') {
        notices?.setChanged(message.indexes);
        send({ type: 'changed' });
      } else {
        send({
          type: 'stats',
          stats: notices?.stats ?? { requests: 0, bodies: 0, bytes: 0, notModified: 0 },
          handshakes: fleet?.handshakes() ?? 0,
        });
        await Promise.all([notices?.close(), fleet?.close()]);
        process.exit(0);
      }
    })();
  });
}

interface Servers {
  origin: string;
  fleet: FleetServer[];
  setChanged(indexes: number[]): Promise<void>;
  stop(): Promise<{ stats: LoadNoticeServer['stats']; handshakes: number }>;
}

async function startServers(args: Args, credentials: TlsCredentials): Promise<Servers> {
  const addresses = loopbackAddresses(args.addresses);
  if (args.inProcess) {
    const notices = await startLoadNoticeServer({ etags: args.etags });
    const fleet = await startTlsFleet(credentials, addresses);
    return {
      origin: notices.origin,
      fleet: fleet.servers,
      setChanged: async (indexes) => notices.setChanged(indexes),
      stop: async () => {
        const result = { stats: { ...notices.stats }, handshakes: fleet.handshakes() };
        await Promise.all([notices.close(), fleet.close()]);
        return result;
      },
    };
  }
  const child: ChildProcess = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T extends ServeReply['type']>(type: T) =>
    new Promise<Extract<ServeReply, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ServeReply) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ServeReply, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`server process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = next('ready');
  child.send({ type: 'start', addresses, credentials, etags: args.etags } satisfies ServeRequest);
  const { origin, servers } = await ready;
  return {
    origin,
    fleet: servers,
    setChanged: async (indexes) => {
      const done = next('changed');
      child.send({ type: 'changed', indexes } satisfies ServeRequest);
      await done;
    },
    stop: async () => {
      const stats = next('stats');
      child.send({ type: 'stop' } satisfies ServeRequest);
      const { stats: figures, handshakes } = await stats;
      return { stats: figures, handshakes };
    },
  };
}

function describeMemory(memory: MemoryFigures): string {
  const live =
    memory.peakLiveHeap !== null
      ? `, peak live heap ${mib(memory.peakLiveHeap)} (+${mib(memory.peakLiveHeap - memory.baseline.heapUsed)})`
      : '';
  return `peak RSS ${mib(memory.peakRss)} (+${mib(memory.peakRss - memory.baseline.rss)}), peak heap ${mib(memory.peakHeapUsed)} (+${mib(memory.peakHeapUsed - memory.baseline.heapUsed)}), peak external+arrayBuffers ${mib(memory.peakExternal)}${live}`;
}

function durations(values: number[]): string {
  if (!values.length) return 'n/a';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return `p50 ${at(50)} ms, p95 ${at(95)} ms, p99 ${at(99)} ms, max ${sorted[sorted.length - 1]} ms`;
}

function describeDrift(label: string, run: TimedDrift): string {
  const { summary } = run;
  const done = summary.notices.length;
  const lines = [
    `${label}: ${done} checked in ${(run.wallMs / 1000).toFixed(1)} s = ${(done / (run.wallMs / 1000)).toFixed(1)} checks/s`,
    `  counts ${JSON.stringify(summary.counts)}; results kept ${done}; reports ${summary.notices.filter((r) => r.report).length}; not reached ${summary.notReached.length} (abandoned ${summary.abandoned.length})`,
    `  problems ${summary.problems.map((p) => p.code).join(', ') || 'none'}; summary blob ${summary.summary ?? 'NOT WRITTEN'}`,
    `  per-check duration ${durations(summary.notices.map((r) => r.durationMs))}`,
    `  ${describeMemory(run.memory)}`,
  ];
  if (summary.notReached.length)
    lines.push(
      `  not reached: ${summary.notReached.slice(0, 10).join(', ')}${summary.notReached.length > 10 ? ', ...' : ''}`,
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const totalStart = performance.now();
  const gc = args.liveGc ? findGc() : null;
  const credentials = benchCredentials();
  let azurite: QuietAzurite;
  if (args.embeddedAzurite) {
    const embedded = await startEmbeddedAzurite();
    if (!embedded.ok) throw new Error(embedded.problem.message);
    azurite = embedded.value;
  } else {
    azurite = await startQuietAzurite();
  }
  const opened = storeFromConnectionString(azurite.connectionString);
  if (!opened.ok) throw new Error(opened.problem.message);
  const store = opened.value;
  const servers = await startServers(args, credentials);
  let bodyBytes = 0;
  for (let index = 0; index < args.notices; index += 1) bodyBytes += noticeBodyBytes(index, 1);
  console.log(
    `load-bench: ${args.notices} notices (${mib(bodyBytes)} of bodies, ${Math.round(bodyBytes / Math.max(1, args.notices))} B on average), ${args.endpoints} endpoints on ${servers.fleet.length} TLS servers over ${args.addresses} addresses`,
  );
  console.log(
    `  drift concurrency ${args.concurrency}; tls concurrency ${args.tlsConcurrency}, ${args.perAddress} connections per address; budget ${args.budgetMs / 1000} s; etags ${args.etags}; servers ${args.inProcess ? 'in process' : 'in a child process'}; storage ${args.embeddedAzurite ? 'embedded-azurite helper' : 'quiet Azurite'}; live-heap GC sampling ${gc ? 'on' : 'off'}`,
  );

  const notices = loadNotices(servers.origin, args.notices);
  const baseline = await timedDrift(notices, store, {
    suffix: 'load-base',
    concurrency: args.concurrency,
    budgetMs: args.budgetMs,
    gc,
    liveEveryMs: gc ? 1_000 : 0,
  });
  console.log(describeDrift('drift baseline', baseline));
  const changed = changedIndexes(args.notices, args.every);
  await servers.setChanged(changed);
  const second = await timedDrift(notices, store, {
    suffix: 'load-change',
    concurrency: args.concurrency,
    budgetMs: args.budgetMs,
    gc,
    liveEveryMs: gc ? 1_000 : 0,
  });
  console.log(describeDrift(`drift second run (${changed.length} changed)`, second));
  const latest = await readLatest(store);
  console.log(
    `  latest.json notices: ${latest.ok ? Object.keys(latest.value.notices).length : `unreadable: ${latest.problem.message}`}`,
  );
  const missingDrift = await missingReports(
    store,
    second.summary.notices.flatMap((r) => (r.report ? [r.report] : [])),
  );
  console.log(`  report blobs missing for the second run: ${missingDrift.length}`);

  const endpoints = fleetEndpoints(servers.fleet, args.endpoints);
  const tlsRun = await timedTls(endpoints, store, {
    suffix: 'load-tls',
    concurrency: args.tlsConcurrency,
    perAddress: args.perAddress,
    caPem: credentials.caPem,
    budgetMs: args.budgetMs,
    gc,
  });
  const t = tlsRun.summary;
  console.log(
    `tls: ${t.endpoints.length} checked in ${(tlsRun.wallMs / 1000).toFixed(1)} s = ${(t.endpoints.length / (tlsRun.wallMs / 1000)).toFixed(1)} checks/s`,
  );
  console.log(
    `  last check done at ${(tlsRun.checksDoneMs / 1000).toFixed(1)} s; reports, latest.json and summary written after it: ${((tlsRun.wallMs - tlsRun.checksDoneMs) / 1000).toFixed(1)} s`,
  );
  console.log(
    `  counts ${JSON.stringify(t.counts)}; results kept ${t.endpoints.length}; not reached ${t.notReached.length}; wrong verdicts ${wrongVerdicts(t, endpoints).length}`,
  );
  console.log(
    `  problems ${t.problems.map((p) => p.code).join(', ') || 'none'}; summary blob ${t.summary ?? 'NOT WRITTEN'}`,
  );
  console.log(`  ${describeMemory(tlsRun.memory)}`);
  const missingTls = await missingReports(
    store,
    t.endpoints.flatMap((r) => (r.report ? [r.report] : [])),
  );
  console.log(`  report blobs missing: ${missingTls.length}`);

  const served = await servers.stop();
  console.log(
    `servers: ${served.stats.requests} HTTP requests, ${served.stats.bodies} bodies (${mib(served.stats.bytes)}), ${served.stats.notModified} not-modified`,
  );
  const totalMs = performance.now() - totalStart;
  const checkMs = baseline.wallMs + second.wallMs + tlsRun.wallMs;
  console.log(
    `total wall ${(totalMs / 1000).toFixed(1)} s (runs ${(checkMs / 1000).toFixed(1)} s); one drift run + one tls run = ${((second.wallMs + tlsRun.wallMs) / 1000).toFixed(1)} s against the 600 s Consumption limit`,
  );
  await azurite.stop();
}

if (require.main === module) {
  if (process.argv.includes('--serve')) {
    void serve();
  } else {
    main().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  }
}

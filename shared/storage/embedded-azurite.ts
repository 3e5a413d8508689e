import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

import { fail, ok, type Result } from '../common/result';

/** Azurite's well-known development account; public by design, not a secret. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface EmbeddedAzurite {
  readonly blobEndpoint: string;
  readonly connectionString: string;
  /** Stops the emulator and waits for it to exit. */
  stop(): Promise<void>;
}

export interface EmbeddedAzuriteOptions {
  /** Folder for persistence; omitted means in memory (lost at stop). */
  readonly location?: string;
  readonly startupTimeoutMs?: number;
  /** Fixed port, e.g. to restart on the same address; default a free one. */
  readonly port?: number;
}

function azuriteEntry(): string | null {
  try {
    return require.resolve('azurite/dist/src/blob/main.js');
  } catch {
    return null;
  }
}

export function connectionStringFor(blobEndpoint: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`;
}

/**
 * Starts the real Azure Storage emulator (blob service only) as a child process on a
 * loopback port. `--skipApiVersionCheck` because the SDK is often newer than the emulator;
 * `--disableTelemetry` because the emulator would otherwise try to phone home.
 */
export async function startEmbeddedAzurite(options: EmbeddedAzuriteOptions = {}): Promise<Result<EmbeddedAzurite>> {
  const entry = azuriteEntry();
  if (!entry) {
    return fail(
      'AZURITE_NOT_FOUND',
      'No storage is configured and the Azurite emulator is not installed: run `npm ci` (it is a dev dependency) or set AZURE_STORAGE_CONNECTION_STRING.',
    );
  }
  // --silent: the emulator's access log (a line per call) is noise here and costs CPU to drain.
  const args = [
    entry,
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(options.port ?? 0),
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
  ];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const timeoutMs = options.startupTimeoutMs ?? 20_000;

  const started = await new Promise<Result<string>>((resolve) => {
    // Only the start-up banner is read; the listener goes once it is found, so a long-running
    // emulator's output is never accumulated.
    let output = '';
    const settle = (result: Result<string>) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_096);
      const match = /successfully listens on (http:\/\/[^\s]+)/.exec(output);
      if (match) settle(ok(match[1]));
    };
    const onExit = (code: number | null) =>
      settle(
        fail('AZURITE_START_FAILED', `Azurite exited with code ${code} before listening: ${output.trim().slice(-300)}`),
      );
    const timer = setTimeout(
      () =>
        settle(
          fail('AZURITE_START_FAILED', `Azurite did not start within ${timeoutMs} ms: ${output.trim().slice(-300)}`),
        ),
      timeoutMs,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
  if (!started.ok) {
    child.kill();
    return started;
  }
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const blobEndpoint = `${started.value.replace(/\/$/, '')}/${AZURITE_ACCOUNT}`;
  let stopping: Promise<void> | null = null;
  return ok({
    blobEndpoint,
    connectionString: connectionStringFor(blobEndpoint),
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      });
      return stopping;
    },
  });
}

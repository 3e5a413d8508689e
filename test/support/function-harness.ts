import { InvocationContext } from '@azure/functions';

import type { FunctionDeps } from '../../functions/function-deps';
import { ok, type Result } from '../../shared/common/result';
import { parseWatchlist, readSettings, type Watchlist } from '../../shared/config';
import type { ObjectStore } from '../../shared/storage';

export interface CapturedLog {
  readonly level: string;
  readonly message: string;
}

/** An InvocationContext whose log lines the test can read. */
export function testContext(functionName: string): { context: InvocationContext; logs: CapturedLog[] } {
  const logs: CapturedLog[] = [];
  const context = new InvocationContext({
    functionName,
    invocationId: `test-${functionName}`,
    logHandler: (level, ...args) => logs.push({ level, message: args.map(String).join(' ') }),
  });
  return { context, logs };
}

export function testDeps(store: ObjectStore, watchlistDocument: unknown, env: NodeJS.ProcessEnv = {}): FunctionDeps {
  const parsed = parseWatchlist(watchlistDocument);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  const watchlist: Watchlist = parsed.value;
  return {
    settings: { ...readSettings(env), fetchTimeoutMs: 2_000 },
    getStore: async (): Promise<Result<ObjectStore>> => ok(store),
    getWatchlist: async () => ok(watchlist),
    now: () => new Date(),
    env,
  };
}

/** Ctrl-C (SIGINT) or SIGTERM, caught so a long-running command can close its servers and clean up. */
export interface StopSignal {
  /** True once a signal has arrived. */
  readonly requested: boolean;
  /** Settles with the first signal. */
  readonly received: Promise<NodeJS.Signals>;
  /** Puts the default behaviour back. */
  dispose(): void;
}

/** A wrapper (npm, a shell script) may pass on the Ctrl-C the terminal already sent: that is one signal. */
const SAME_SIGNAL_MS = 1_000;

/**
 * The first signal asks for an orderly stop; another one later means the user will not wait, so
 * `onForce` (synchronous last-resort cleanup) runs and the process exits with 130.
 */
export function catchStopSignal(onForce: () => void = () => undefined): StopSignal {
  let requested = false;
  let firstAt = 0;
  let resolve!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((settle) => (resolve = settle));
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) {
      if (Date.now() - firstAt < SAME_SIGNAL_MS) return;
      onForce();
      process.exit(130);
    }
    requested = true;
    firstAt = Date.now();
    resolve(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get requested() {
      return requested;
    },
    received,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

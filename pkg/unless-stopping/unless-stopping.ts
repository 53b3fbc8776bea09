/**
 * How long a failure waits to learn whether a stop explains it. Ctrl-C in a terminal signals a
 * whole process group at once: a child database stops while this process has not yet handled
 * the signal, and whichever the event loop hears first is chance (tens of milliseconds apart).
 */
export const STOP_SETTLE_MS = 250;

/**
 * Reports a failure after STOP_SETTLE_MS with `loud`, or with `quiet` when `stopping()` says by
 * then that the process (or the component) began to stop: a failure a stop explains is expected,
 * not news. The timer never keeps the process alive.
 */
export function unlessStopping(stopping: () => boolean, loud: () => void, quiet: () => void): void {
  setTimeout(() => (stopping() ? quiet() : loud()), STOP_SETTLE_MS).unref();
}

/** Delays between polls (ms): quick at first, then slower, never more than 10 s. */
export const BACKOFF_MS: readonly number[] = [1000, 2000, 5000, 10000];

/** The delay before poll number `attempt` (0-based), capped at the last step. */
export function backoffDelay(
  attempt: number,
  steps: readonly number[] = BACKOFF_MS
): number {
  const i = Math.max(0, Math.min(Math.floor(attempt), steps.length - 1));
  return steps[i];
}

/** What a poll tick reports: keep going or not, and whether anything changed. */
export interface ITickResult {
  /** False once there is nothing left to follow: the poller stops until `kick()`. */
  more: boolean;
  /** True when the tick saw a change: the backoff starts again from its first step. */
  changed?: boolean;
}

/** Hooks a Poller needs from its environment (injectable for tests). */
export interface IPollerOptions {
  /** One poll; may throw (the poller backs off and keeps going). */
  tick: () => Promise<ITickResult>;
  /** May the poller run now? (the panel is shown and the document is visible) */
  active: () => boolean;
  steps?: readonly number[];
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Polls with backoff while there is something to follow, and only while active: no storm
 * of requests from a hidden panel or a background browser tab.
 */
export class Poller {
  constructor(options: IPollerOptions) {
    this._opts = options;
    this._steps = options.steps ?? BACKOFF_MS;
    this._set = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this._clear = options.clearTimer ?? (h => clearTimeout(h as number));
  }

  /** Is a poll scheduled or running? */
  get running(): boolean {
    return this._timer !== null || this._inFlight;
  }

  /** Something new to follow: poll soon, with the backoff back at its first step. */
  kick(): void {
    this._attempt = 0;
    this._wanted = true;
    this._schedule();
  }

  /** Resume after a pause (the panel or the tab became visible again). */
  resume(): void {
    if (this._wanted) {
      this._attempt = 0;
      this._schedule();
    }
  }

  /** Stop scheduling (the panel or the tab was hidden); `resume()` picks up again. */
  pause(): void {
    if (this._timer !== null) {
      this._clear(this._timer);
      this._timer = null;
    }
  }

  /** Stop for good. */
  dispose(): void {
    this._wanted = false;
    this._disposed = true;
    this.pause();
  }

  private _schedule(): void {
    if (this._disposed || this._inFlight || !this._opts.active()) {
      return;
    }
    this.pause();
    const delay = backoffDelay(this._attempt, this._steps);
    this._timer = this._set(() => void this._run(), delay);
  }

  private async _run(): Promise<void> {
    this._timer = null;
    if (this._disposed || !this._opts.active()) {
      return;
    }
    this._inFlight = true;
    let result: ITickResult;
    try {
      result = await this._opts.tick();
    } catch {
      result = { more: true, changed: false };
    } finally {
      this._inFlight = false;
    }
    if (!result.more) {
      this._wanted = false;
      return;
    }
    this._attempt = result.changed ? 0 : this._attempt + 1;
    this._schedule();
  }

  private _opts: IPollerOptions;
  private _steps: readonly number[];
  private _set: (fn: () => void, ms: number) => unknown;
  private _clear: (handle: unknown) => void;
  private _timer: unknown = null;
  private _attempt = 0;
  private _wanted = false;
  private _inFlight = false;
  private _disposed = false;
}

/** Something running that can end by itself (a crash, a kill) and can be asked to stop. */
export interface Running {
  /** Resolves, with how it ended, when it has gone. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface SupervisedOptions {
  name: string;
  /** Starts one instance; resolves once it is up. */
  start: () => Promise<Running>;
  say: (line: string) => void;
  /** First restart delay; doubles per failed restart up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** An instance that ran this long counts as healthy: the next crash restarts after initialDelayMs again. */
  healthyAfterMs?: number;
}

/**
 * Keeps one part of the stack running: when it ends without being asked to, it is started again after a delay
 * that grows with each crash in a row (exponential backoff), and every crash and restart is said.
 */
export class Supervised {
  private current: Running | undefined;
  private stopping = false;
  private crashesInARow = 0;
  private timer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;

  constructor(private readonly options: SupervisedOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The first start: its failure is the caller's to report (nothing is restarted yet). */
  async start(): Promise<void> {
    const first = this.options.start().then(async (running) => {
      if (this.stopping) {
        await running.stop();
        throw new Error(`${this.options.name} stopped while starting`);
      }
      this.watch(running);
    });
    this.starting = first.catch(() => undefined);
    await first;
  }

  /** Stops the instance (waiting for a start in progress) and restarts nothing afterwards. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.starting;
    await this.current?.stop();
  }

  private watch(running: Running): void {
    this.current = running;
    const startedAt = Date.now();
    void running.exited.then((how) => {
      if (this.stopping || this.current !== running) return;
      this.current = undefined;
      if (Date.now() - startedAt >= (this.options.healthyAfterMs ?? 60_000)) this.crashesInARow = 0;
      this.scheduleRestart(`${this.options.name} exited unexpectedly (${how})`);
    });
  }

  private scheduleRestart(why: string): void {
    const initial = this.options.initialDelayMs ?? 1_000;
    const delay = Math.min(this.options.maxDelayMs ?? 30_000, initial * 2 ** this.crashesInARow);
    this.crashesInARow += 1;
    this.options.say(`${why}; restarting in ${(delay / 1000).toFixed(1)} s`);
    this.timer = setTimeout(() => {
      this.starting = this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      const running = await this.options.start();
      if (this.stopping) {
        await running.stop();
        return;
      }
      this.options.say(`${this.options.name} restarted`);
      this.watch(running);
    } catch (err) {
      if (!this.stopping) {
        this.scheduleRestart(
          `${this.options.name} did not restart (${err instanceof Error ? err.message : String(err)})`,
        );
      }
    }
  }
}

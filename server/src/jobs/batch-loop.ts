/**
 * The loop behind this process's durable-job workers (search reindexing, Part 2 relabelling): run one batch, again
 * at once while there is more, else poll every `intervalMs`. The jobs live in PostgreSQL, so the loop holds no state
 * of its own: stopping it loses nothing, and any process can carry on.
 */
export type RoundResult = 'more' | 'idle' | 'busy';

export interface BatchLoop {
  /** Resolves when the current batch (if any) has committed. */
  stop(): Promise<void>;
  /** Pauses the background loop and runs rounds until no job is open, waiting while another worker holds one (tests). */
  drain(): Promise<void>;
}

export function startBatchLoop(round: () => Promise<RoundResult>, intervalMs: number, onError?: (err: unknown) => Promise<void> | void): BatchLoop {
  let stopped = false;
  let draining = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = (delay: number) => {
    // unref: an idle worker never keeps the process alive on its own
    if (!stopped && !draining) timer = setTimeout(loop, delay).unref();
  };
  const loop = () => {
    timer = undefined;
    running = round()
      .then((result) => schedule(result === 'more' ? 0 : intervalMs))
      .catch(async (err) => {
        await Promise.resolve(onError?.(err)).catch(() => undefined);
        schedule(intervalMs);
      });
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    async drain() {
      draining = true;
      if (timer) clearTimeout(timer);
      await running;
      try {
        for (let result = await round(); result !== 'idle'; result = await round()) {
          if (result === 'busy') await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        draining = false;
        schedule(intervalMs);
      }
    },
  };
}

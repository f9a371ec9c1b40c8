/**
 * What a person starting the server sees while the demo seeds (a minute or more on a first start): in a terminal, one
 * line rewritten in place — "Seeding the demo organisation [5/12] attendance, notes and claims of … 23 s" — and
 * otherwise one log entry per step, so a log collector still shows where a slow or stuck seed is.
 */
import type { SeedProgress } from '../demo/seed-demo';
import type { Logger } from '../logger';

export function seedProgressReporter(logger: Logger, out: NodeJS.WriteStream = process.stdout, clock: () => number = Date.now): SeedProgress {
  const started = clock();
  const seconds = () => Math.round((clock() - started) / 1000);
  if (!out.isTTY) {
    return (step, done, total) => logger.info({ step, done, total, seconds: seconds() }, 'seeding the demo organisation');
  }
  let current = '';
  const draw = () => {
    const line = `${current} … ${seconds()} s`;
    out.write(`\r\x1b[2K${line.slice(0, Math.max(20, (out.columns || 100) - 1))}`);
  };
  // The seconds keep counting during a long step (a program's month of sessions takes a while).
  let ticker: NodeJS.Timeout | undefined;
  return (step, done, total) => {
    if (done >= total) {
      clearInterval(ticker);
      out.write(`\r\x1b[2KSeeding the demo organisation [${total}/${total}] done in ${seconds()} s\n`);
      return;
    }
    current = `Seeding the demo organisation [${done}/${total}] ${step}`;
    draw();
    if (!ticker) {
      ticker = setInterval(draw, 1000);
      ticker.unref();
    }
  };
}

/**
 * The clocks the demo is seeded at by demo-clock-*.test.ts (two files, so jest runs the halves in parallel):
 * together they cover every weekday on the programs' calendar and the hours where a date or a session changes —
 * just before and after 09:00 and 17:30 in Chicago (the groups' starts), and around midnight in Chicago and in
 * UTC. Each case seeds its own fresh database and runs every check of demo-assertions.ts.
 */
import { DEMO_CONTENT_CHECKS, describeClock, startDemoServer } from './demo-assertions';
import type { TestServer } from './test-server';

export interface DemoClock {
  now: Date;
  /** Why this instant is an edge. */
  edge: string;
}

/** December 2026: Central Standard Time, UTC−6. */
export const DEMO_CLOCKS: DemoClock[] = [
  { now: new Date('2026-12-07T14:59:00Z'), edge: 'Monday 08:59 Chicago: a minute before the morning groups, the weekend behind' },
  { now: new Date('2026-12-08T23:31:00Z'), edge: 'Tuesday 17:31 Chicago: the evening group has started, not ended' },
  { now: new Date('2026-12-10T05:59:00Z'), edge: 'Wednesday 23:59 Chicago: UTC is already Thursday' },
  { now: new Date('2026-12-10T23:29:00Z'), edge: 'Thursday 17:29 Chicago: a minute before the evening group' },
  { now: new Date('2026-12-11T15:01:00Z'), edge: 'Friday 09:01 Chicago: the morning groups have started, not ended' },
  { now: new Date('2026-12-12T06:01:00Z'), edge: 'Saturday 00:01 Chicago: the day after the last group of the week' },
  { now: new Date('2026-12-13T23:59:00Z'), edge: 'Sunday 23:59 UTC (17:59 Chicago)' },
  { now: new Date('2026-12-14T00:01:00Z'), edge: 'Monday 00:01 UTC, still Sunday 18:01 in Chicago' },
];

/** One describe per clock: seed in beforeAll, every content check a test, the server closed in afterAll. */
export function describeDemoAtClocks(clocks: readonly DemoClock[]): void {
  describe.each(clocks.map((clock) => ({ ...clock, label: describeClock(clock.now) })))('demo seeded as of $label', ({ now, edge }) => {
    let server: TestServer | undefined;
    beforeAll(async () => {
      const seeded = await startDemoServer(now);
      server = seeded.server;
      // eslint-disable-next-line no-console
      console.log(`demo seeded as of ${describeClock(now)} — ${edge} — in ${seeded.seconds.toFixed(1)} s`);
    }, 300_000);
    afterAll(async () => {
      await server?.close();
    });

    test.each(DEMO_CONTENT_CHECKS)('$name', async ({ check }) => {
      if (!server) throw new Error(`the demo was not seeded as of ${now.toISOString()}`);
      await check(server, now);
    });
  });
}

/** The demo seeded at Friday–Sunday clocks (support/demo-clock-matrix.ts; Monday–Thursday in the sibling file). */
import { DEMO_CLOCKS, describeDemoAtClocks } from '../support/demo-clock-matrix';

describeDemoAtClocks(DEMO_CLOCKS.slice(4));

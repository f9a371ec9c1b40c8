/** The demo seeded at Monday–Thursday clocks (support/demo-clock-matrix.ts; Friday–Sunday in the sibling file). */
import { DEMO_CLOCKS, describeDemoAtClocks } from '../support/demo-clock-matrix';

describeDemoAtClocks(DEMO_CLOCKS.slice(0, 4));

/**
 * @medplum/core 5.x expects a global WebSocket (Node 22 has one; Node 20 does not). We run on Node 20, so we
 * provide undici's before anything loads @medplum/core. Import this module first in every entry point.
 */
import { WebSocket } from 'undici';

const g = globalThis as { WebSocket?: unknown };
g.WebSocket ??= WebSocket;

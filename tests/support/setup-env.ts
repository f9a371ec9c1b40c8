/** Before each test file: the WebSocket polyfill @medplum/core needs on Node 20, and quiet logs. */
import '../../server/src/polyfills';

process.env.LOG_LEVEL ??= 'silent';

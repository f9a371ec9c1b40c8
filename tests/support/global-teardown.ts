/** Stops the embedded PostgreSQL started by global-setup and removes its temp directory. */
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__IOP_EMBEDDED__ as
    | { embedded: { stop(): Promise<void> }; dataDir: string }
    | undefined;
  if (!state) return;
  await state.embedded.stop();
  rmSync(state.dataDir, { recursive: true, force: true });
}

/** A Bulk Data client for tests: kick off an export as some agent, poll until its manifest, download its files. */
import type { TestAgent } from './test-server';

export interface ExportManifest {
  output: { type: string; url: string; count: number }[];
  extension?: Record<string, string>;
}

export interface ExportedResource {
  resourceType: string;
  id: string;
  meta?: { security?: { code?: string }[] };
}

/** GET kick-off with `Prefer: respond-async`, then the status URL until it answers 200 (up to ~20 s). */
export async function exportAs(agent: TestAgent, kickOffPath: string): Promise<ExportManifest> {
  const kickOff = await agent.get(kickOffPath).set('Accept', 'application/fhir+json').set('Prefer', 'respond-async').expect(202);
  const status = new URL(kickOff.headers['content-location']).pathname;
  let manifest = await agent.get(status);
  for (let i = 0; i < 400 && manifest.status === 202; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    manifest = await agent.get(status);
  }
  expect(manifest.status).toBe(200);
  return manifest.body as ExportManifest;
}

/** Every NDJSON line of every file of the manifest, parsed. */
export async function downloadAll(agent: TestAgent, manifest: ExportManifest): Promise<ExportedResource[]> {
  const lines: ExportedResource[] = [];
  for (const file of manifest.output) {
    const res = await agent.get(new URL(file.url).pathname).buffer(true).parse((r, done) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString('utf8')));
      r.on('end', () => done(null, text));
    }).expect(200);
    lines.push(...(res.body as string).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExportedResource));
  }
  return lines;
}

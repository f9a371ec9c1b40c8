/**
 * Responses are compressed when the client accepts it (issue 18): the CapabilityStatement, search pages and Bulk
 * Data NDJSON files, in gzip and br, and decompress to exactly what an uncompressed request gets. Small bodies and
 * clients that do not ask stay uncompressed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(() => server.close());

/** The raw bytes of a response over a real socket (supertest would decode them). */
async function raw(path: string, encoding: string): Promise<{ status: number; encoding?: string; body: Buffer; vary?: string }> {
  const listener = server.app.listen(0);
  await once(listener, 'listening');
  try {
    const { port } = listener.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      http.get({ port, path, headers: { 'Accept-Encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({
          status: res.statusCode!, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks), vary: res.headers.vary,
        }));
      }).on('error', reject);
    });
  } finally {
    listener.close();
  }
}

test('the CapabilityStatement in gzip and br decompresses to the uncompressed JSON, several times smaller', async () => {
  const plain = await raw('/fhir/metadata', 'identity');
  expect(plain.encoding).toBeUndefined();
  const gzip = await raw('/fhir/metadata', 'gzip');
  expect(gzip.encoding).toBe('gzip');
  expect(gzip.vary).toMatch(/Accept-Encoding/i);
  expect(JSON.parse(gunzipSync(gzip.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
  expect(gzip.body.length * 4).toBeLessThan(plain.body.length);
  const br = await raw('/fhir/metadata', 'br;q=1.0, gzip;q=0.5');
  expect(br.encoding).toBe('br');
  expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
});

test('a search page larger than the initial TCP window is compressed; a single resource that fits in it is not', async () => {
  const address = [{ line: ['1200 Recovery Way', 'Suite 300'], city: 'Springfield', state: 'IL', postalCode: '62701' }];
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) {
    const created = await server.http.post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: `Compress${i}`, given: ['Page'] }], address }).expect(201);
    ids.push(created.body.id);
  }
  const res = await server.http.get('/fhir/Patient?name=Compress&_count=60').set('Accept-Encoding', 'gzip').expect(200);
  expect(res.headers['content-encoding']).toBe('gzip');
  expect(res.body.entry).toHaveLength(60); // supertest decoded it
  const single = await server.http.get(`/fhir/Patient/${ids[0]}`).set('Accept-Encoding', 'gzip').expect(200);
  expect(single.headers['content-encoding']).toBeUndefined();
  expect(single.body.id).toBe(ids[0]);
  const tiny = await raw('/healthz', 'gzip');
  expect(tiny.encoding).toBeUndefined();
});

/**
 * A minimal FHIR HTTP client for the benchmarks: undici's request API over keep-alive connections, statuses checked.
 * Not fetch(): its WHATWG streams cost the load generator about as much CPU per request as a read costs the server,
 * and on a 2-core machine the load generator's CPU is taken from the server under test.
 */
import { Agent, request } from 'undici';

/** The response headers, read as fetch's Headers are (`get`, case-insensitive). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export class FhirClient {
  private readonly agent = new Agent({ connections: 32, keepAliveTimeout: 30_000, pipelining: 1 });

  private readonly baseHeaders: Record<string, string>;

  /** `bearerToken`: sent as Authorization once the FHIR API requires one (BENCH_BEARER_TOKEN). */
  constructor(readonly base: string, bearerToken?: string) {
    this.baseHeaders = { accept: 'application/fhir+json', ...(bearerToken ? { authorization: `Bearer ${bearerToken}` } : {}) };
  }

  /** Sends one request, reads the whole body as text, and throws unless the status is one of `expect`. */
  async request(method: string, path: string, body?: string, expect: number[] = [200, 201]): Promise<string> {
    return (await this.exchange(method, path, body, expect)).text;
  }

  /** As request(), also giving the status and headers, with extra request headers (e.g. Prefer). */
  async exchange(method: string, path: string, body?: string, expect: number[] = [200, 201], headers: Record<string, string> = {}) {
    const url = path.startsWith('http') ? path : `${this.base}/${path}`;
    const res = await request(url, {
      method: method as 'GET',
      body,
      headers: { ...this.baseHeaders, ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }), ...headers },
      dispatcher: this.agent,
    });
    const text = await res.body.text();
    if (!expect.includes(res.statusCode)) {
      throw new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 400)}`);
    }
    const raw = res.headers;
    const responseHeaders: ResponseHeaders = {
      get: (name) => {
        const value = raw[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    };
    return { status: res.statusCode, headers: responseHeaders, text };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

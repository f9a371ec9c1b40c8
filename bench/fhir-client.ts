/** A minimal FHIR HTTP client for the benchmarks: undici's fetch over keep-alive connections, statuses checked. */
import { Agent, fetch } from 'undici';

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
    const res = await fetch(url, {
      method,
      body,
      headers: { ...this.baseHeaders, ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }), ...headers },
      dispatcher: this.agent,
    });
    const text = await res.text();
    if (!expect.includes(res.status)) {
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 400)}`);
    }
    return { status: res.status, headers: res.headers, text };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

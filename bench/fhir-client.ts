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
    const res = await fetch(`${this.base}/${path}`, {
      method,
      body,
      headers: body === undefined ? this.baseHeaders : { ...this.baseHeaders, 'content-type': 'application/fhir+json' },
      dispatcher: this.agent,
    });
    const text = await res.text();
    if (!expect.includes(res.status)) {
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 400)}`);
    }
    return text;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

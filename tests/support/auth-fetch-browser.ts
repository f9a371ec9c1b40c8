/**
 * A minimal browser over real HTTP: follows redirects by hand, keeps cookies per origin, and fills in our
 * login / patient picker / consent forms. Drives third-party code (fhirclient) that lives on another origin.
 */

export interface FetchBrowserLogin {
  username: string;
  password: string;
  patient?: string;
}

export class FetchBrowser {
  private cookies = new Map<string, Map<string, string>>();
  readonly visited: string[] = [];

  private cookieHeader(url: URL): string | undefined {
    const jar = this.cookies.get(url.origin);
    return jar && jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  private remember(url: URL, response: Response): void {
    const jar = this.cookies.get(url.origin) ?? new Map<string, string>();
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    this.cookies.set(url.origin, jar);
  }

  /** One request (no automatic redirects), with this browser's cookies. */
  async request(url: string, init: { method?: string; form?: URLSearchParams } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(target);
    if (cookie) headers.Cookie = cookie;
    if (init.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(target, { method: init.method ?? 'GET', headers, body: init.form?.toString(), redirect: 'manual' });
    this.remember(target, response);
    this.visited.push(`${init.method ?? 'GET'} ${target.origin}${target.pathname}`);
    return response;
  }

  /** Navigates from `url`, following redirects and submitting our sign-in forms, until a page that is not ours. */
  async navigate(url: string, login: FetchBrowserLogin): Promise<{ url: string; response: Response; body: string }> {
    let current = url;
    let response = await this.request(current);
    for (let hops = 0; hops < 20; hops++) {
      if (response.status >= 300 && response.status < 400) {
        current = new URL(response.headers.get('location')!, current).toString();
        response = await this.request(current);
        continue;
      }
      const body = await response.text();
      const action = /<form method="post" action="([a-z-]+)"/.exec(body)?.[1];
      const requestId = /name="request" value="([^"]*)"/.exec(body)?.[1];
      if (!action || !requestId || !new URL(current).pathname.startsWith('/auth/')) return { url: current, response, body };
      const form = new URLSearchParams({ request: requestId });
      if (action === 'login') {
        form.set('username', login.username);
        form.set('password', login.password);
      } else if (action === 'pick-patient') {
        form.set('patient', login.patient ?? /name="patient" value="([^"]*)"/.exec(body)?.[1] ?? '');
      } else if (action === 'consent') {
        form.set('decision', 'allow');
        for (const m of body.matchAll(/name="scope" value="([^"]*)"/g)) form.append('scope', m[1].replace(/&amp;/g, '&'));
      }
      current = new URL(action, current).toString();
      response = await this.request(current, { method: 'POST', form });
    }
    throw new Error('too many redirects');
  }
}

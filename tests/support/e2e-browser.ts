/**
 * Real-browser tests: Debian's chromium driven by playwright-core (CHROMIUM_PATH, or chromium on the PATH), and
 * our server listening on a real port (support/auth-live-server.ts) so the browser loads the apps, signs in on
 * our login and consent pages and calls the FHIR API like any user would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createUser } from '../../server/src/auth/users';
import { startLiveServer, type LiveServer } from './auth-live-server';
import { authServerOf } from './auth-tokens';
import { startTestServer, type TestServer } from './test-server';

export const E2E_PASSWORD = 'a long test passphrase';
/** The programs' zone in the fixtures; the browser runs in it too so "today" is the same day for both. */
export const E2E_TIME_ZONE = 'America/Chicago';

export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not on the PATH
    }
  }
  return undefined;
}

const CHROMIUM = findChromium();
if (!CHROMIUM) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPING browser tests: no chromium found (set CHROMIUM_PATH, or apt-get install -y chromium)');
}

/** `describe`, or `describe.skip` when this machine has no chromium. */
export const describeInBrowser: jest.Describe = CHROMIUM ? describe : describe.skip;

export interface E2eEnvironment {
  server: TestServer;
  live: LiveServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startE2e(): Promise<E2eEnvironment> {
  const [server, browser] = await Promise.all([startTestServer(), chromium.launch({ executablePath: CHROMIUM })]);
  const live = await startLiveServer(server);
  // Our apps' redirect URIs follow the issuer: register them for the port the browser uses.
  await authServerOf(live.app).ready();
  return {
    server, live, browser,
    close: async () => {
      await browser.close();
      await live.close();
      await server.close();
    },
  };
}

/**
 * A fresh browser profile and page. `timezoneId` puts the browser in another zone than the programs' (the apps
 * must show program times on the program's clock); `viewport` e.g. a phone's.
 */
export async function newPage(env: E2eEnvironment, options: { timezoneId?: string; viewport?: { width: number; height: number }; isMobile?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await env.browser.newContext({
    timezoneId: options.timezoneId ?? E2E_TIME_ZONE, locale: 'en-US',
    ...(options.viewport ? { viewport: options.viewport } : {}), ...(options.isMobile ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    // The browser's own favicon probe of our login pages is not an app error.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(`${message.text()} ${message.location().url}`);
  });
  return { context, page, errors };
}

/** A user who signs in on our login page with E2E_PASSWORD. */
export async function createLogin(env: E2eEnvironment, fhirUser: string): Promise<string> {
  const username = `${fhirUser.replace('/', '-').toLowerCase()}-${Math.random().toString(36).slice(2, 7)}`;
  await createUser(authServerOf(env.live.app).pool, { username, password: E2E_PASSWORD, fhirUser });
  return username;
}

/**
 * Our login page, then the consent page (everything the app asked for allowed). An EHR launch of our own app whose
 * scopes the user already approved skips the consent page: then this returns once the browser is back in the app.
 * @returns whether the consent page was shown
 */
export async function signIn(page: Page, username: string): Promise<boolean> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(E2E_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const allow = page.getByRole('button', { name: 'Allow' });
  const backInApp = page.waitForURL(/\/apps\/[a-z-]+\/index\.html/).then(() => 'app' as const);
  const consent = allow.waitFor().then(() => 'consent' as const);
  const shown = await Promise.race([backInApp, consent]);
  backInApp.catch(() => undefined);
  consent.catch(() => undefined);
  if (shown === 'app') return false;
  await allow.click();
  return true;
}

/**
 * Screenshots of the apps' main screens for smart-apps/README.md, taken by the browser tests at the moment they have
 * checked the screen, so the pictures show what the tests assert. Only when SCREENSHOTS=1 (they are committed files:
 * a normal test run leaves the working tree alone): `SCREENSHOTS=1 npx jest tests/e2e`.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.join(__dirname, '../../smart-apps/screenshots');

export async function captureScreen(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.()); // no focus ring left from the accessibility walk
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
}

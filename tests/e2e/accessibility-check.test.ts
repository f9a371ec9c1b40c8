/**
 * The accessibility check the browser tests rely on (support/accessibility-check.ts) finds what it claims to: a
 * control without a label, text below AA contrast, a duplicate id, a positive tabindex, focus that jumps out of
 * document order and a control without a focus indicator — and passes a page that has none of these.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { expectAccessible } from '../support/accessibility-check';
import { describeInBrowser, findChromium } from '../support/e2e-browser';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium() });
  page = await browser.newPage();
}, 30_000);
afterAll(() => browser?.close());

const STYLE = '<style>:focus-visible{outline:3px solid #f0b400} body{color:#1c2733;background:#fff}</style>';

async function violationsOf(body: string): Promise<string> {
  await page.setContent(`<!doctype html><html lang="en"><head>${STYLE}</head><body>${body}</body></html>`);
  try {
    await expectAccessible(page, 'fixture');
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describeInBrowser('accessibility check', () => {
  test('a clean page passes', async () => {
    expect(await violationsOf('<main><h1>Title</h1><label for="a">Name</label><input id="a"><button>Save</button><a href="#x">More</a></main>')).toBe('');
  });

  test('each kind of violation is reported', async () => {
    expect(await violationsOf('<input id="a"><button></button>')).toMatch(/\[name\] input#a[\s\S]*\[name\] button/);
    expect(await violationsOf('<p style="color:#999;background:#fff">faint text</p>')).toMatch(/\[contrast\] p "faint text": contrast 2\.85:1, needs 4\.5:1/);
    expect(await violationsOf('<p style="color:#777;font-size:30px">large</p>')).toBe(''); // 4.48:1 is enough for large text
    expect(await violationsOf('<label>A <input id="x"></label><label>B <input id="x"></label>')).toMatch(/\[duplicate-id\] #x/);
    expect(await violationsOf('<button>one</button><button tabindex="2">two</button>')).toMatch(/\[tabindex\][\s\S]*\[focus-order\]/);
    expect(await violationsOf('<style>button:focus-visible{outline:none}</style><button>no ring</button>')).toMatch(/\[focus-visible\] button "no ring"/);
  });
});

/**
 * A headless Chromium for the console's tests: Debian's `chromium` package driven by playwright-core
 * (https://playwright.dev/docs/api/class-browsertype#browser-type-launch, `executablePath`), launched
 * once per test file and closed at its end. `.ci/run` installs the package when it is missing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env['TEXTBRIDGE_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Page sizes the screenshots are taken at: a laptop and a phone. */
export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

let browser: Browser | undefined;

/** The file's browser (launched on first use, closed after the file's tests). */
export async function theBrowser(): Promise<Browser> {
  if (browser) return browser;
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium refuses to start its sandbox as root (CI containers run as root).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const b = browser;
  after(() => b.close());
  return b;
}

/** A fresh page (its own session storage) of `size`, with failed requests and page errors collected. */
export async function newPage(size = LAPTOP): Promise<Page & { problems: string[] }> {
  const context = await (await theBrowser()).newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = (await context.newPage()) as Page & { problems: string[] };
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  return page;
}

/** Sign in on the console at `base` with `token`, and wait for the dashboard. */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

/** Where the docs' screenshots go. */
const SHOTS = path.resolve('docs/console');

/** A screenshot of the whole page as `docs/console/<name>.png` (the docs show them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

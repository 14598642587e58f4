import { existsSync } from 'node:fs';
import { type Browser, type Locator, type Page, chromium } from 'playwright-core';
import { type TestApp, startTestApp } from './app';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless. Fails with what to install when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The app and Chromium, started side by side. */
export async function startAppAndBrowser(): Promise<{ app: TestApp; browser: Browser }> {
  const [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
  return { app, browser };
}

/** Closes what startAppAndBrowser started (either may be missing when it failed). */
export async function closeAppAndBrowser(started: { app?: TestApp; browser?: Browser }): Promise<void> {
  await started.browser?.close();
  await started.app?.close();
}

/** Fills and sends the registration form the page shows (traditional labels). */
export async function registerInPage(page: Page, name: string, password = 'a browser password'): Promise<void> {
  await page.getByLabel('用戶名').fill(name);
  await page.getByLabel('密碼').fill(password);
  await page.getByRole('button', { name: '註冊' }).click();
}

// playwright-core has no test runner: a small polling check for locators, as Playwright's expect does.
export function eventually(locator: Locator) {
  const poll = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 50; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  return {
    toHaveCount: (n: number) => poll(async () => (await locator.count()) === n, `${n} of ${locator}`),
    toHaveText: (t: string) => poll(async () => (await locator.textContent()) === t, `text "${t}" in ${locator}`),
    toHaveClass: (re: RegExp) => poll(async () => re.test((await locator.getAttribute('class')) ?? ''), `class ${re} on ${locator}`),
  };
}

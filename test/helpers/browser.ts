// Headless Chromium for tests (Debian's package, driven by playwright-core): open a page and collect what went wrong.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium, or CHROMIUM_PATH when a machine keeps it elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface OpenedPage {
  page: Page;
  /** console.error messages and uncaught page errors. */
  errors: string[];
  /** Messages of any alert/confirm/prompt the page opened (each is dismissed). */
  dialogs: string[];
  /** URLs of every request other than the file itself: a self-contained page makes none. */
  requests: string[];
}

/** Opens a local file offline: any network request is recorded and aborted. */
export async function openFile(browser: Browser, path: string): Promise<OpenedPage> {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const url = pathToFileURL(path).href;
  const opened: OpenedPage = { page, errors: [], dialogs: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') opened.errors.push(message.text());
  });
  page.on('pageerror', (error) => opened.errors.push(String(error)));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    opened.requests.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  return opened;
}

/** For every <canvas>: its id and how many pixels are not fully transparent. */
export async function canvasInk(page: Page): Promise<Array<{ id: string; width: number; height: number; inked: number }>> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('canvas')).map((canvas) => {
      const ctx = canvas.getContext('2d');
      let inked = 0;
      if (ctx && canvas.width > 0 && canvas.height > 0) {
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
      }
      return { id: canvas.id, width: canvas.width, height: canvas.height, inked };
    }),
  );
}

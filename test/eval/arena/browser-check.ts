// Opens an arena page in headless Chromium (skipped where Chromium is not installed) and checks it is clean.
import { expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, openFile } from '../../helpers/browser.js';

export function browserTest(name: string, path: string, extra?: (page: import('playwright-core').Page) => Promise<void>): void {
  it.skipIf(!chromiumAvailable())(name, async () => {
    const browser = await launchBrowser();
    try {
      const opened = await openFile(browser, path);
      expect(opened.errors).toEqual([]);
      expect(opened.dialogs).toEqual([]);
      expect(opened.requests.filter((url) => !url.startsWith('data:'))).toEqual([]);
      const images = await opened.page.$$eval('img', (list) => list.map((img) => (img as HTMLImageElement).naturalWidth));
      expect(images.length).toBeGreaterThan(0);
      images.forEach((width) => expect(width).toBeGreaterThan(0));
      expect(await opened.page.locator('table.heatmap').count()).toBeGreaterThan(0);
      if (extra) await extra(opened.page);
    } finally {
      await browser.close();
    }
  });
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport } from '@chatops/report';
import { certificateRequests, prepareRender, renderStack } from '@chatops/stack';
import { REPO, requireBinary, tempDir } from '@chatops/testing';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Screenshots and the page itself are kept here as CI artifacts (out/ is git-ignored). */
const ARTIFACTS = join(REPO, 'out/report-screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// Debian's Chromium (apt-get install chromium; .ci/run installs it), driven by playwright-core: no browser download.
describe('the prod report in headless Chromium (Debian /usr/bin/chromium)', () => {
  const dir = tempDir();
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    const executablePath = requireBinary('/usr/bin/chromium');
    // The prod report as `chatops-render prod --report` builds it (same calls), with certificates of its own PKI.
    const report = async () => {
      const ctx = await prepareRender(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), { pkiDir: join(dir.path, 'pki') });
      return buildReport(ctx, { certificates: certificateRequests(ctx.env), bundles: renderStack(ctx).bundles });
    };
    const [html, launched] = await Promise.all([report(), chromium.launch({ executablePath, headless: true })]);
    browser = launched;
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'prod.html');
    writeFileSync(file, html);
    url = pathToFileURL(file).href;
  });
  afterAll(async () => {
    await browser?.close();
    dir[Symbol.dispose]();
  });

  /** Opens the report without JavaScript (the page must not need it), recording console errors and every request. */
  async function open(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const context = await browser.newContext({ viewport, javaScriptEnabled: false });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    // Nothing may leave the file: any other request is refused (and listed above).
    await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load' });
    return { page, errors, requests };
  }

  it('at desktop width: three diagrams, the tables, no console error, no request but the page itself', async () => {
    const { page, errors, requests } = await open(DESKTOP);
    for (const id of ['diagram-services', 'diagram-external-tls', 'diagram-internal-tls']) {
      const svg = page.locator(`#${id} > svg`);
      expect(await svg.count(), id).toBe(1);
      const box = await svg.boundingBox();
      expect(box?.width, id).toBeGreaterThan(200);
      expect(box?.height, id).toBeGreaterThan(100);
      expect(await page.locator(`#${id} svg g.node`).count(), `${id} nodes`).toBeGreaterThan(3);
      expect(await page.locator(`#${id} svg g.edge`).count(), `${id} edges`).toBeGreaterThan(3);
    }
    for (const id of ['routes', 'certificates', 'alerts', 'files']) {
      expect(await page.locator(`#${id} table tbody tr`).count(), `${id} rows`).toBeGreaterThan(0);
      expect(await page.locator(`#${id} table`).first().isVisible(), id).toBe(true);
    }
    expect(await page.locator('#routes td').filter({ hasText: 'grafana' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'prod-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it('at phone width the page body does not scroll sideways (wide tables and diagrams scroll in their own box)', async () => {
    const { page, errors, requests } = await open(PHONE);
    // A string, evaluated in the page (this file is type-checked without the DOM library).
    const widths = await page.evaluate<{ scroll: number; client: number; body: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, body: document.body.scrollWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(widths.body).toBeLessThanOrEqual(widths.client);
    for (const id of ['diagram-services', 'diagram-external-tls', 'diagram-internal-tls']) {
      const box = await page.locator(`#${id} > svg`).boundingBox();
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(PHONE.width);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'prod-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it('prints: print CSS hides the navigation, diagrams fit the page width, and Chromium makes a PDF of it', async () => {
    const { page } = await open(DESKTOP);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav').isVisible()).toBe(false);
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    for (const id of ['diagram-services', 'diagram-external-tls', 'diagram-internal-tls']) {
      const box = await page.locator(`#${id} > svg`).boundingBox();
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(794);
    }
    const pdf = await page.pdf({ path: join(ARTIFACTS, 'prod.pdf'), format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { projectView } from '../../src/core/view/projectView';
import type { Topology } from '../../src/shared/model';
import { CLI, expect, summaryOf, test } from './strataServe';

const demo = JSON.parse(execFileSync(process.execPath, [CLI, 'graph', '--demo'], { encoding: 'utf8' })) as Topology;

/** Width and height from a PNG's IHDR chunk, which follows the 8-byte signature and the chunk's length and type. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function exported(page: Page, kind: string): Promise<{ download: Download; bytes: Buffer }> {
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${kind}`).click()]);
  return { download, bytes: readFileSync((await download.path())!) };
}

/** Parses SVG text in the page (the browser's own XML parser) and returns its texts, or the parser's error. */
async function parseSvg(page: Page, svg: string): Promise<{ error: string | null; texts: string[] }> {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const error = doc.querySelector('parsererror');
    return { error: error ? error.textContent : null, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? '') };
  }, svg);
}

test('the Export menu saves a PNG of the screen at 1× and 2×, an SVG with labels as text, and the view as JSON', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(projectView(demo, { level: 'auto' })));
  const canvas = await page.getByTestId('graph-canvas').boundingBox();

  const one = await exported(page, 'png-view');
  expect(one.download.suggestedFilename()).toMatch(/^strata-.*\.png$/);
  const size = pngSize(one.bytes);
  // The screen's pixels: the canvas's CSS size times the device pixel ratio (1 here).
  expect(size.width).toBe(Math.round(canvas!.width));
  expect(size.height).toBe(Math.round(canvas!.height));
  expect(pngSize((await exported(page, 'png-view-2x')).bytes)).toEqual({ width: size.width * 2, height: size.height * 2 });
  // The whole graph decodes too, whatever its size at this zoom.
  const whole = pngSize((await exported(page, 'png-graph')).bytes);
  expect(whole.width).toBeGreaterThan(0);

  const svg = (await exported(page, 'svg')).bytes.toString('utf8');
  const parsed = await parseSvg(page, svg);
  expect(parsed.error).toBeNull();
  // Labels are text: the namespaces' and the planted typo's Service among them.
  expect(parsed.texts.join('\n')).toContain('namespace shop');
  expect(parsed.texts.some((t) => t.includes('recommendations'))).toBe(true);

  const view = JSON.parse((await exported(page, 'view-json')).bytes.toString('utf8')) as { strataView: number; source: { kind: string }; spec: { level: string }; camera: { zoom: number }; theme: string };
  expect(view).toMatchObject({ strataView: 1, source: { kind: 'demo' }, theme: 'dark' });
  expect(view.camera.zoom).toBeGreaterThan(0);
});

test('a whole-graph PNG past the canvas limit is drawn in tiles into one PNG, the same picture as drawn at once', async ({ page, browser, demo: server }) => {
  // Exported once the labels have been placed at the fitted zoom, with no placement due: their size (and so the
  // picture's) follows the zoom and the number of elements drawn.
  // Laid out afresh first, each page's canvas at its final size: a first view can be fitted before the
  // timeline takes its height and fitted again after, and the two pages' zooms need not then agree to the last digit.
  const labelsPlaced = async (on: Page) => {
    await expect.poll(() => on.evaluate(() => window.strataGraph!.labels()).then((l) => l.placed > 0 && !l.waiting)).toBe(true);
    const placed = await on.evaluate(() => window.strataGraph!.labels().placed);
    await on.getByRole('button', { name: 'Re-layout' }).click();
    await expect.poll(() => on.evaluate(() => window.strataGraph!.labels()).then((l) => l.placed > placed && !l.waiting)).toBe(true);
  };
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(projectView(demo, { level: 'auto' })));
  await labelsPlaced(page);
  const once = (await exported(page, 'png-graph-2x')).bytes;
  // The same picture where the canvas limit is 700 px a side: several tiles in each direction.
  const tiled = await browser.newPage({ viewport: page.viewportSize()! });
  await tiled.goto(`${server.url}&maxCanvas=700`);
  await expect(tiled.getByTestId('graph-summary')).toHaveText(summaryOf(projectView(demo, { level: 'auto' })));
  await labelsPlaced(tiled);
  const inTiles = (await exported(tiled, 'png-graph-2x')).bytes;
  const size = pngSize(once);
  expect(size.width).toBeGreaterThan(700);
  expect(size.height).toBeGreaterThan(700);
  expect(pngSize(inTiles)).toEqual(size);
  // Both decode, and their pixels agree but for anti-aliasing at the tiles' seams.
  const difference = await tiled.evaluate(
    async ([a, b]) => {
      const pixels = async (base64: string) => {
        // Not fetched from a data: URL, which the page's CSP refuses.
        const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      };
      const [x, y] = [await pixels(a), await pixels(b)];
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
      return sum / x.length;
    },
    [once.toString('base64'), inTiles.toString('base64')],
  );
  expect(difference).toBeLessThan(2);
  await tiled.close();
});

test('strata graph -o svg writes the picture the app draws, from the same layout code, with no browser', async ({ page }) => {
  const svg = execFileSync(process.execPath, [CLI, 'graph', '--demo', '-o', 'svg'], { encoding: 'utf8' });
  await page.goto('about:blank');
  const parsed = await parseSvg(page, svg);
  expect(parsed.error).toBeNull();
  const full = projectView(demo, { level: 'full' });
  // Every drawn object's name is there as text (pods by their short names, so check the rest).
  for (const node of full.nodes.filter((n) => ['Service', 'Ingress', 'Node'].includes(n.kind))) expect(parsed.texts.join('\n')).toContain(node.name);
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import type { SavedTour, SavedView } from '../../src/shared/savedView';
import { expect, startServe, test } from './strataServe';

const VIEWPORT = { width: 1600, height: 1000 };
const WATCHED = ['Service/shop/cart', 'Ingress/shop/storefront', 'Service/payments/payments-api', 'Node/node-b'];

async function exported(page: Page, kind: string): Promise<Buffer> {
  await page.getByTestId('export-menu').click();
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${kind}`).click()]);
  return readFileSync((await download.path())!);
}

const boxes = (page: Page) => page.evaluate((ids) => ids.map((id) => window.strataGraph!.renderedBox(id)), WATCHED);
/** The labels placed since the last change, none due. */
const settled = (page: Page) => expect.poll(() => page.evaluate(() => window.strataGraph?.labels()).then((l) => !!l && l.placed > 0 && !l.waiting)).toBe(true);

/** Boxes equal to a pixel: the same picture. */
function expectSamePlaces(got: Awaited<ReturnType<typeof boxes>>, want: Awaited<ReturnType<typeof boxes>>) {
  expect(got.map((b) => b && [Math.round(b.x), Math.round(b.y), Math.round(b.w)])).toEqual(want.map((b) => b && [Math.round(b.x), Math.round(b.y), Math.round(b.w)]));
}

test('a saved view reopens the same picture (places, selection, camera), from strata serve --view and from a link', async ({ page, browser, demo: server }) => {
  await page.setViewportSize(VIEWPORT);
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toContainText('28 pods');
  await settled(page);
  // Select the Service with the planted fault, then zoom and pan away from the fitted picture.
  const cart = (await page.evaluate(() => window.strataGraph!.renderedBox('Service/shop/cart')))!;
  await page.mouse.click(cart.x + cart.w / 2, cart.y + cart.h / 2);
  await expect(page.getByTestId('details-name')).toHaveText('cart');
  await page.mouse.move(cart.x, cart.y - 100);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -300);
  await expect.poll(async () => (await page.evaluate(() => window.strataGraph!.renderedBox('Service/shop/cart')))!.w).toBeGreaterThan(cart.w * 1.1);
  const want = await boxes(page);

  const view = JSON.parse((await exported(page, 'view-json')).toString('utf8')) as SavedView;
  expect(view).toMatchObject({ strataView: 1, selection: { group: 'nodes', id: 'Service/shop/cart' }, spec: { level: 'full' } });
  const file = join(mkdtempSync(join(tmpdir(), 'strata-view-')), 'cart.strata-view.json');
  writeFileSync(file, JSON.stringify(view));

  const fromFile = await startServe(['--demo', '--view', file]);
  try {
    expect(fromFile.url).toMatch(/#view=[A-Za-z0-9_-]+$/);
    const reopened = await browser.newPage({ viewport: VIEWPORT });
    await reopened.goto(fromFile.url);
    await expect(reopened.getByTestId('details-name')).toHaveText('cart');
    await expect.poll(() => boxes(reopened)).toEqual(expect.arrayContaining([expect.anything()]));
    await expect.poll(async () => JSON.stringify((await boxes(reopened)).map((b) => b && Math.round(b.w)))).toBe(JSON.stringify(want.map((b) => b && Math.round(b.w))));
    expectSamePlaces(await boxes(reopened), want);
    await reopened.close();
  } finally {
    await fromFile.stop();
  }

  // The link: the view in the address bar's fragment, opened beside the same server.
  await page.getByTestId('export-menu').click();
  await page.getByTestId('export-view-link').click();
  await expect(page.getByTestId('view-notice')).toContainText('The address bar now holds a link to this view');
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toMatch(/^#view=/);
  const linked = await browser.newPage({ viewport: VIEWPORT });
  await linked.goto(`${server.url}${hash}`);
  await expect(linked.getByTestId('details-name')).toHaveText('cart');
  await expect.poll(async () => JSON.stringify((await boxes(linked)).map((b) => b && Math.round(b.w)))).toBe(JSON.stringify(want.map((b) => b && Math.round(b.w))));
  expectSamePlaces(await boxes(linked), want);
  await linked.close();
});

test('a tour plays in presenter mode, stop by stop with its notes, and notes pinned to a workload show beside it and in exports', async ({ page, browser, demo: server }) => {
  await page.setViewportSize(VIEWPORT);
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toContainText('28 pods');
  await settled(page);
  // A note on a pod is pinned to its workload, so it survives a redeploy.
  const pod = (await page.evaluate(() => window.strataGraph!.ids().find((id) => id.startsWith('Pod/shop/checkout-') && !id.includes('canary'))))!;
  const box = (await page.evaluate((id) => window.strataGraph!.renderedBox(id), pod))!;
  await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
  page.once('dialog', (dialog) => void dialog.accept('Checkout calls payments here: dropped since 02:13'));
  await page.getByTestId('annotate').click();
  await expect.poll(() => page.evaluate(() => window.strataGraph!.ids().filter((id) => id.startsWith('note:') && !id.endsWith('->')))).toEqual(['note:0:Deployment/shop/checkout']);
  const view = JSON.parse((await exported(page, 'view-json')).toString('utf8')) as SavedView;
  expect(view.annotations).toEqual([{ target: 'Deployment/shop/checkout', text: 'Checkout calls payments here: dropped since 02:13' }]);
  // In the SVG the note is text, wrapped between words.
  const svg = (await exported(page, 'svg')).toString('utf8');
  expect(svg).toContain('data-id="note:0:Deployment/shop/checkout"');
  expect(svg).toContain('>Checkout calls payments here:</tspan>');
  expect(svg).toContain('>dropped since 02:13</tspan>');

  const tour: SavedTour = {
    strataTour: 1,
    title: 'The 02:13 incident',
    stops: [
      { title: 'The whole cluster', notes: 'Six namespaces; the shop is the one to watch.', view: { strataView: 1, spec: { level: 'cluster' } } },
      { title: 'Checkout', notes: 'The note says what broke.', view: { ...view, selection: null } },
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'strata-tour-')), 'incident.strata-tour.json');
  writeFileSync(file, JSON.stringify(tour));
  const fromFile = await startServe(['--demo', '--view', file]);
  try {
    const played = await browser.newPage({ viewport: VIEWPORT });
    await played.goto(fromFile.url);
    // A tour opens in presenter mode, at its first stop.
    await expect(played.getByTestId('tour-caption')).toContainText('The 02:13 incident · Stop 1 of 2');
    await expect(played.getByTestId('tour-title')).toHaveText('The whole cluster');
    await expect(played.locator('.toolbar')).toBeHidden();
    await expect.poll(() => played.evaluate(() => window.strataGraph?.view().level)).toBe('cluster');
    await played.keyboard.press('ArrowRight');
    await expect(played.getByTestId('tour-caption')).toContainText('Stop 2 of 2');
    await expect(played.getByTestId('tour-caption')).toContainText('The note says what broke.');
    await expect.poll(() => played.evaluate(() => window.strataGraph!.view().level)).toBe('full');
    await expect.poll(() => played.evaluate(() => window.strataGraph!.ids().filter((id) => id.startsWith('note:') && !id.endsWith('->')))).toEqual(['note:0:Deployment/shop/checkout']);
    // The camera moves to the stop's: the checkout note is on screen.
    await expect.poll(async () => (await played.evaluate(() => window.strataGraph!.renderedBox('note:0:Deployment/shop/checkout')))?.w ?? 0).toBeGreaterThan(0);
    await played.keyboard.press('ArrowLeft');
    await expect(played.getByTestId('tour-title')).toHaveText('The whole cluster');
    await played.close();
  } finally {
    await fromFile.stop();
  }
});

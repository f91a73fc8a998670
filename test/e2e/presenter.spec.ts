import type { Page } from '@playwright/test';
import { expect, test } from './strataServe';

const classesOf = (page: Page, id: string) => page.evaluate((nodeId) => window.strataGraph!.classes(nodeId), id);
/** The on-screen size of the labels shown now. */
async function shownSizes(page: Page): Promise<Map<string, number>> {
  const { shown } = await page.evaluate(() => window.strataGraph!.labels());
  return new Map(shown.map((l) => [l.id, l.fontPx]));
}

/** The on-screen size of the labels shown, once they have been placed more than `after` times. */
async function labelSizes(page: Page, after: number): Promise<Map<string, number>> {
  await expect.poll(() => page.evaluate(() => window.strataGraph!.labels().placed)).toBeGreaterThan(after);
  return shownSizes(page);
}

test('presenter mode hides the chrome, scales the type through the graph styles, and walks a request hop by hop from the keyboard', async ({ page, demo: server }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toContainText('28 pods');
  await expect.poll(() => page.evaluate(() => window.strataGraph!.labels()).then((l) => l.placed > 0 && !l.waiting)).toBe(true);
  const placedBefore = await page.evaluate(() => window.strataGraph!.labels().placed);

  await page.getByTestId('present-button').click();
  await expect(page.getByTestId('presenter-help')).toBeVisible();
  // The chrome is gone; the picture and the accessible summary stay.
  await expect(page.locator('.toolbar')).toBeHidden();
  await expect(page.getByTestId('timeline')).toBeHidden();
  await expect(page.getByTestId('status-bar')).toBeHidden();
  await expect(page.getByTestId('graph-canvas')).toBeVisible();
  await expect(page.getByTestId('graph-summary')).toContainText('28 pods');

  // The bigger canvas is fitted again and its labels placed: the sizes below are read at that zoom.
  await expect.poll(() => page.evaluate(() => window.strataGraph!.labels()).then((l) => l.placed > placedBefore && !l.waiting)).toBe(true);
  // F: 1.5×, through Cytoscape's stylesheet (the same label at the same zoom is drawn 1.5 times larger).
  const before = await shownSizes(page);
  const placed = await page.evaluate(() => window.strataGraph!.labels().placed);
  await page.keyboard.press('f');
  await expect(page.getByTestId('presenter-help')).toContainText('font 1.5×');
  // A placement already due (a revision's) can run before the new scale's; the labels are read again until one at the new scale has run.
  let after = await labelSizes(page, placed);
  const shared = () => [...before.keys()].filter((id) => after.has(id) && !id.includes('->'));
  const scaled = () => shared().length > 3 && shared().every((id) => Math.abs(after.get(id)! / before.get(id)! - 1.5) < 0.05);
  await expect
    .poll(async () => {
      if (!scaled()) after = await shownSizes(page);
      return scaled();
    })
    .toBe(true);
  expect(shared().length).toBeGreaterThan(3);
  for (const id of shared()) expect(after.get(id)! / before.get(id)!, id).toBeCloseTo(1.5, 1);

  // W: walk the storefront's request from the internet, one key press per hop.
  await page.keyboard.press('w');
  await page.getByRole('button', { name: 'http://shop.example/', exact: true }).click();
  const caption = page.getByTestId('walk-caption-text');
  await expect(page.getByTestId('walk-caption')).toContainText('Hop 1 of');
  await expect(caption).toHaveText('From 203.0.113.1, outside the pods Strata knows');
  await page.keyboard.press('ArrowRight');
  await expect(caption).toContainText('Ingress shop/storefront routes shop.example / to Service frontend port 80');
  // The hop is lit just after its caption shows.
  await expect.poll(() => classesOf(page, 'Ingress/shop/storefront')).toContain('walk-lit');
  // The rest is dimmed: a Service of another namespace, say.
  await expect.poll(() => classesOf(page, 'Service/payments/payments-api')).toContain('walk-dimmed');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('walk-caption')).toContainText('Ingress controller');
  await expect(page.getByTestId('walk-caption')).toContainText('allowed');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('walk-caption')).toContainText('Service port');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('walk-caption')).toContainText('targetPort');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('walk-caption')).toContainText('EndpointSlice');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('walk-caption')).toContainText('Pod');
  // The demo's traffic from the Ingress controller to the storefront, counted into the hop.
  await expect(page.getByTestId('walk-caption')).toContainText(/Observed: [\d,]+ flows? forwarded/);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('walk-caption')).toContainText('The pods run on Node');
  const litNow = () => page.evaluate(() => window.strataGraph!.ids().filter((id) => window.strataGraph!.classes(id).includes('walk-lit')));
  await expect.poll(async () => (await litNow()).length > 0 && (await litNow()).every((id) => id.startsWith('Node/'))).toBe(true);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('walk-caption')).toContainText('Hop 7 of 8');

  // Esc ends the walk (nothing dimmed any more), then presenter mode (the chrome is back).
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('walk-caption')).toBeHidden();
  await expect.poll(() => classesOf(page, 'Service/payments/payments-api')).not.toContain('walk-dimmed');
  await page.keyboard.press('Escape');
  await expect(page.locator('.toolbar')).toBeVisible();
  await expect(page.getByTestId('presenter')).toBeHidden();
});

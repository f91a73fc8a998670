import type { Page } from '@playwright/test';
import type { ShownLabel } from '../../src/renderer/graph/labels';
import { expect, test } from './strataServe';

type Box = ShownLabel['box'];
const overlap = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/** The labels once their placement has settled: chosen at least once, and not again for a while. */
async function settledLabels(page: Page) {
  let last = -1;
  await expect
    .poll(async () => {
      const placed = await page.evaluate(() => window.strataGraph?.labels().placed ?? 0);
      const settled = placed > 0 && placed === last;
      last = placed;
      return settled;
    }, { intervals: [500] })
    .toBe(true);
  return page.evaluate(() => window.strataGraph!.labels());
}

/** Every check the issue asks of a picture: no two labels meet, none runs past the canvas, none is cut short. */
function expectReadable(labels: Awaited<ReturnType<typeof settledLabels>>) {
  const { shown, canvas } = labels;
  const meeting: string[] = [];
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) if (overlap(shown[i].box, shown[j].box)) meeting.push(`${shown[i].text} / ${shown[j].text}`);
  }
  expect(meeting).toEqual([]);
  const outside = shown.filter((l) => l.box.x1 < canvas.x1 || l.box.y1 < canvas.y1 || l.box.x2 > canvas.x2 || l.box.y2 > canvas.y2).map((l) => l.text);
  expect(outside).toEqual([]);
  expect(shown.filter((l) => l.text.includes('…')).map((l) => l.text)).toEqual([]);
}

test('at the fitted zoom on the demo no two labels overlap, none is cut, and what is shown can be read; zoomed in too', async ({ page, demo: server }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toContainText('28 pods');
  const fitted = await settledLabels(page);
  expectReadable(fitted);
  // Fewer labels rather than overlapped ones, but the most important are there: every namespace,
  // and every object with an error finding, in type large enough to read (11 px and more; edges 9.5).
  const texts = fitted.shown.map((l) => l.text);
  for (const namespace of ['data', 'infra', 'kube-system', 'monitoring', 'payments', 'shop']) expect(texts).toContain(`namespace ${namespace}`);
  const errors = await page.evaluate(() => window.strataGraph!.ids().filter((id) => window.strataGraph!.classes(id).includes('finding-error')));
  expect(errors.length).toBeGreaterThan(0);
  const shownIds = new Set(fitted.shown.map((l) => l.id));
  expect(errors.filter((id) => !shownIds.has(id))).toEqual([]);
  for (const label of fitted.shown) expect(label.fontPx, label.text).toBeGreaterThanOrEqual(label.id.includes('->') ? 9.5 : 10.9);
  expect(fitted.shown.length).toBeGreaterThan(30);

  // Zoomed in on the shop namespace, where columns of Services and pods sit side by side.
  const shop = await page.evaluate(() => window.strataGraph!.renderedBox('Namespace/shop'));
  await page.mouse.move(shop!.x + shop!.w / 2, shop!.y + 40);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -300);
  const zoomed = await settledLabels(page);
  expectReadable(zoomed);
  expect(zoomed.shown.length).toBeGreaterThan(10);
});

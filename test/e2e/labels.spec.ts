import type { Page } from '@playwright/test';
import type { ShownLabel } from '../../src/renderer/graph/labels';
import { expect, startServe, test } from './strataServe';

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
  const { shown, hidden, canvas } = labels;
  const meeting: string[] = [];
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) if (overlap(shown[i].box, shown[j].box)) meeting.push(`${shown[i].text} / ${shown[j].text}`);
  }
  expect(meeting).toEqual([]);
  const outside = shown.filter((l) => l.box.x1 < canvas.x1 || l.box.y1 < canvas.y1 || l.box.x2 > canvas.x2 || l.box.y2 > canvas.y2).map((l) => l.text);
  expect(outside).toEqual([]);
  expect(shown.filter((l) => l.text.includes('…')).map((l) => l.text)).toEqual([]);
  // A label is left out only for one that matters as much or more, or for the canvas's edge.
  const inside = (b: Box) => b.x1 >= canvas.x1 && b.y1 >= canvas.y1 && b.x2 <= canvas.x2 && b.y2 <= canvas.y2;
  const unexplained = hidden.filter((h) => inside(h.box) && !shown.some((s) => s.rank >= h.rank && overlap(grow(s.box, 2), h.box))).map((h) => h.text);
  expect(unexplained).toEqual([]);
}

/** A box made larger on every side: placement keeps labels two pixels apart. */
const grow = (b: Box, by: number): Box => ({ x1: b.x1 - by, y1: b.y1 - by, x2: b.x2 + by, y2: b.y2 + by });

test('at the fitted zoom on the demo no two labels overlap, none is cut, and what is shown can be read; zoomed in too', async ({ page, demo: server }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toContainText('28 pods');
  const fitted = await settledLabels(page);
  expectReadable(fitted);
  // Fewer labels rather than overlapped ones, but the most important are there: every namespace,
  // in type large enough to read (11 px and more; edges 9.5).
  const texts = fitted.shown.map((l) => l.text);
  for (const namespace of ['data', 'infra', 'kube-system', 'monitoring', 'payments', 'shop']) expect(texts).toContain(`namespace ${namespace}`);
  // An object with an error finding is named unless another error's name takes the place.
  const errors = await page.evaluate(() => window.strataGraph!.ids().filter((id) => window.strataGraph!.classes(id).includes('finding-error')));
  expect(errors.length).toBeGreaterThan(0);
  const shownIds = new Set(fitted.shown.map((l) => l.id));
  const errorLabels = fitted.shown.filter((l) => errors.includes(l.id));
  expect(fitted.hidden.filter((h) => errors.includes(h.id) && !errorLabels.some((e) => overlap(grow(e.box, 2), h.box))).map((h) => h.text)).toEqual([]);
  expect(errors.filter((id) => shownIds.has(id)).length).toBeGreaterThan(errors.length / 2);
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

test('at the fitted zoom on the manifests example no two labels overlap and none is cut; every namespace and Ingress is named', async ({ page }) => {
  const server = await startServe(['--manifests', 'examples/shop']);
  try {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.goto(server.url);
    await expect(page.getByTestId('graph-summary')).toContainText('7 pods in 7 workloads in 2 namespaces');
    const fitted = await settledLabels(page);
    expectReadable(fitted);
    const texts = fitted.shown.map((l) => l.text);
    for (const name of ['namespace storefront', 'namespace backend']) expect(texts).toContain(name);
    // The Ingress's label names it, and its hosts below when zoomed in this far.
    expect(texts.some((t) => t.startsWith('shop-entry'))).toBe(true);
    for (const label of fitted.shown) expect(label.fontPx, label.text).toBeGreaterThanOrEqual(label.id.includes('->') ? 9.5 : 10.9);
  } finally {
    await server.stop();
  }
});

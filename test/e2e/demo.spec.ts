import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { projectView } from '../../src/core/view/projectView';
import type { Topology } from '../../src/shared/model';
import type { ViewSpec } from '../../src/shared/view';
import { CLI, expect, summaryOf, test } from './strataServe';

/** The demo topology as `strata graph` prints it: what the browser must draw. */
const demo = JSON.parse(execFileSync(process.execPath, [CLI, 'graph', '--demo'], { encoding: 'utf8' })) as Topology;
const viewOf = (spec: ViewSpec = { level: 'auto' }) => projectView(demo, spec);

test('the demo is small enough to be drawn whole: every object, and the Nodes in a box of their own', () => {
  const view = viewOf();
  expect(view.level).toBe('full');
  expect(view.nodes.length).toBe(demo.nodes.length + 1);
  expect(view.edges.length).toBe(demo.edges.length);
});

/**
 * How many colours the graph's screenshot has, as the page decodes it. The legend, which sits over the canvas with a
 * swatch of each colour, is put away first if it is open (as it is on a new page).
 */
async function coloursOnScreen(page: Page): Promise<number> {
  if ((await page.locator('.legend').count()) > 0) await page.getByRole('button', { name: 'Legend' }).click();
  await expect(page.locator('.legend')).toHaveCount(0);
  const shot = (await page.getByTestId('graph-canvas').screenshot()).toString('base64');
  return page.evaluate(async (png) => {
    // From bytes, not a data: URL, which the page's content security policy does not let it fetch.
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(png), (c) => c.charCodeAt(0))], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4 * 7) seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return seen.size;
  }, shot);
}

/** Presses on the middle of a box and moves 40 px right and 40 px down in five steps, the button still down. */
async function pressAndMove(page: Page, box: { x: number; y: number; w: number; h: number }): Promise<void> {
  await page.mouse.move(box.x + box.w / 2, box.y + box.h / 2);
  await page.mouse.down();
  for (let step = 1; step <= 5; step++) await page.mouse.move(box.x + box.w / 2 + step * 8, box.y + box.h / 2 + step * 8);
}

async function clickElement(page: Page, id: string): Promise<void> {
  const box = await page.evaluate((elementId) => window.strataGraph?.renderedBox(elementId) ?? null, id);
  if (!box) throw new Error(`${id} is not drawn`);
  await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
}

test('the demo cluster opens and the summary counts what is drawn', async ({ page, demo: server }, testInfo) => {
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(viewOf()));
  await expect(page.getByTestId('sync-state')).toHaveText('Loaded');
  await expect(page.getByTestId('source-label')).toContainText('Demo cluster');
  // The token leaves the address bar once the page has it.
  expect(new URL(page.url()).search).toBe('');

  const screenshot = testInfo.outputPath('demo-cluster.png');
  await page.screenshot({ path: screenshot });
  await testInfo.attach('demo cluster', { path: screenshot, contentType: 'image/png' });
});

test('?renderer=canvas draws with the 2D canvas instead of WebGL, stays in the address bar without the token, and without a GPU has its drawn layers desynchronized', async ({ page, demo: server }) => {
  await page.goto(`${server.url}&renderer=canvas`);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(viewOf()));
  expect(await page.evaluate(() => window.strataGraph!.renderer())).toBe('canvas');
  expect(new URL(page.url()).search).toBe('?renderer=canvas');
  // No GPU here (--disable-gpu): Cytoscape's node and drag layers are desynchronized from the page's frames, the top
  // layer, which takes the pointer, is not; and the picture is on screen.
  const layers = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLCanvasElement>('[data-testid="graph-canvas"] canvas[data-id^="layer"]')].map((canvas) => [canvas.dataset.id, canvas.getContext('2d')!.getContextAttributes().desynchronized]),
    ),
  );
  expect(layers).toEqual({ 'layer0-selectbox': false, 'layer1-drag': true, 'layer2-node': true });
  await expect.poll(() => page.evaluate(() => window.strataGraph!.view().painted)).toBeGreaterThan(0);
  await expect.poll(() => coloursOnScreen(page)).toBeGreaterThan(20);

  // Cytoscape draws into the new layers: a pod being dragged is in the drag layer, and once dropped it is back in the
  // node layer and the drag layer is blank again.
  const inkIn = (layer: string) =>
    page.evaluate((id) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="graph-canvas"] canvas[data-id="${id}"]`)!;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
      return ink;
    }, layer);
  const pod = demo.nodes.find((n) => n.kind === 'Pod' && n.name.startsWith('cart-'))!;
  const box = await page.evaluate((id) => window.strataGraph!.renderedBox(id)!, pod.id);
  expect(await inkIn('layer2-node')).toBeGreaterThan(0);
  await pressAndMove(page, box);
  await expect.poll(() => inkIn('layer1-drag')).toBeGreaterThan(0);
  await page.mouse.up();
  await expect.poll(() => inkIn('layer1-drag')).toBe(0);
  expect((await page.evaluate((id) => window.strataGraph!.renderedBox(id)!, pod.id)).x - box.x).toBeCloseTo(40, -1);

  // Cytoscape sizes the new layers too when the window changes size, and draws the picture again into them.
  const sizes = () =>
    page.evaluate(() => [...document.querySelectorAll<HTMLCanvasElement>('[data-testid="graph-canvas"] canvas[data-id^="layer"]')].map((canvas) => `${canvas.width}×${canvas.height}`));
  const before = (await sizes())[0];
  await page.setViewportSize({ width: 1000, height: 640 });
  await expect.poll(() => sizes().then((now) => new Set(now).size === 1 && now[0] !== before)).toBe(true);
  await expect.poll(() => inkIn('layer2-node')).toBeGreaterThan(0);
});

test("?renderer=webgl draws with Cytoscape's WebGL renderer: every element, painted, a click on a pod or an edge inside a box selects it, and a drag moves the pod", async ({ page, demo: server }) => {
  // WebGL2 comes from SwiftShader here, a CPU renderer: Strata would choose the canvas on its own.
  await page.goto(`${server.url}&renderer=webgl`);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(viewOf()));
  expect(await page.evaluate(() => window.strataGraph!.renderer())).toBe('webgl');
  const view = viewOf();
  expect((await page.evaluate(() => window.strataGraph!.ids())).length).toBe(view.nodes.length + view.edges.length);
  await expect.poll(() => page.evaluate(() => window.strataGraph!.view().painted)).toBeGreaterThan(0);

  // Painted, not only listed: the graph's screenshot has the shapes' colours on the background's.
  await expect.poll(() => coloursOnScreen(page)).toBeGreaterThan(20);

  // Zoomed out to fit, a pod is a few pixels wide inside its workload's box: the click is the pod's, not the box's.
  const pod = demo.nodes.find((n) => n.kind === 'Pod' && n.name.startsWith('cart-'))!;
  await clickElement(page, pod.id);
  await expect(page.getByTestId('details-panel').getByTestId('details-name')).toHaveText(pod.name);
  // So is a click on an edge inside a namespace's box.
  const edge = demo.edges.find((e) => e.source.startsWith('Service/shop/') && e.target.startsWith('EndpointSlice/shop/'))!;
  await clickElement(page, edge.id);
  await expect(page.getByTestId('details-panel').locator('.edge-ends')).toHaveText(`${edge.source} → ${edge.target}`);

  // And a drag from the pod moves the pod, not its box: the pod's sibling in the box stays where it was.
  const sibling = demo.nodes.find((n) => n.kind === 'Pod' && n.name.startsWith('cart-') && n.id !== pod.id)!;
  const boxOf = (id: string) => page.evaluate((elementId) => window.strataGraph!.renderedBox(elementId)!, id);
  const [podBefore, siblingBefore] = [await boxOf(pod.id), await boxOf(sibling.id)];
  await pressAndMove(page, podBefore);
  await page.mouse.up();
  const [podAfter, siblingAfter] = [await boxOf(pod.id), await boxOf(sibling.id)];
  expect(podAfter.x - podBefore.x).toBeCloseTo(40, -1);
  expect(podAfter.y - podBefore.y).toBeCloseTo(40, -1);
  expect([siblingAfter.x, siblingAfter.y]).toEqual([siblingBefore.x, siblingBefore.y]);
});

/** The box around every drawn element, on screen. */
async function pictureBox(page: Page) {
  return page.evaluate(() => {
    const boxes = window.strataGraph!.ids().map((id) => window.strataGraph!.renderedBox(id)!);
    return { x1: Math.min(...boxes.map((b) => b.x)), y1: Math.min(...boxes.map((b) => b.y)), x2: Math.max(...boxes.map((b) => b.x + b.w)), y2: Math.max(...boxes.map((b) => b.y + b.h)) };
  });
}

test('a fitted picture is fitted again when the canvas changes size, until the user moves the camera', async ({ page, demo: server }) => {
  const canvas = page.getByTestId('graph-canvas');
  /**
   * The nodes lie inside the canvas, centred across it, and fill it in one direction but for the fit's
   * padding (40 px a side) and their labels, which the fit counts too (scaled up when zoomed out).
   */
  const fitsCanvas = async () => {
    const [room, picture] = [(await canvas.boundingBox())!, await pictureBox(page)];
    const inside = picture.x1 >= room.x - 1 && picture.y1 >= room.y - 1 && picture.x2 <= room.x + room.width + 1 && picture.y2 <= room.y + room.height + 1;
    const fill = Math.max((picture.x2 - picture.x1) / (room.width - 80), (picture.y2 - picture.y1) / (room.height - 80));
    const centred = Math.abs((picture.x1 + picture.x2) / 2 - (room.x + room.width / 2)) < 0.03 * room.width;
    return inside && centred && fill > 0.75;
  };
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(viewOf()));
  await expect.poll(fitsCanvas).toBe(true);
  // A smaller window: the whole picture again, smaller.
  await page.setViewportSize({ width: 1200, height: 700 });
  await expect.poll(fitsCanvas).toBe(true);

  // Once the user has zoomed, a resize leaves the camera where the user put it.
  const cart = (await page.evaluate(() => window.strataGraph!.renderedBox('Service/shop/cart')))!;
  await page.mouse.move(cart.x + cart.w / 2, cart.y + cart.h / 2);
  for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -300);
  await expect.poll(async () => (await page.evaluate(() => window.strataGraph!.renderedBox('Service/shop/cart')))!.w).toBeGreaterThan(cart.w * 1.1);
  await expect.poll(() => page.evaluate(() => window.strataGraph!.labels().waiting)).toBe(false);
  const placed = await page.evaluate(() => window.strataGraph!.labels().placed);
  /** Cart's box on the canvas: the canvas itself moves up when the toolbar above it needs fewer rows. */
  const cartOnCanvas = async () => {
    const [room, box] = [(await canvas.boundingBox())!, (await page.evaluate(() => window.strataGraph!.renderedBox('Service/shop/cart')))!];
    return { x: box.x - room.x, y: box.y - room.y, w: box.w };
  };
  const zoomed = await cartOnCanvas();
  await page.setViewportSize({ width: 1600, height: 1000 });
  // The resize has been seen once its labels have been placed again.
  await expect.poll(() => page.evaluate(() => window.strataGraph!.labels()).then((l) => l.placed > placed && !l.waiting)).toBe(true);
  const after = await cartOnCanvas();
  for (const key of ['x', 'y', 'w'] as const) expect(after[key], key).toBeCloseTo(zoomed[key], 3);
  expect(await fitsCanvas()).toBe(false);
});

test('selecting a pod shows its details and related objects', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(viewOf()));
  const pod = demo.nodes.find((n) => n.kind === 'Pod' && n.name.startsWith('cart-') && n.facts.ready === false)!;

  await clickElement(page, pod.id);
  const panel = page.getByTestId('details-panel');
  await expect(panel.getByTestId('details-name')).toHaveText(pod.name);
  await expect(panel).toContainText('namespace shop');
  await expect(panel).toContainText('Pod is not Ready');
  await expect(panel.getByTestId('details-facts')).toContainText((pod.facts.podIPs as string[])[0]);
  await expect(panel.getByTestId('details-related')).toContainText('Node node-c');

  // Following a related object selects it.
  await panel.getByRole('button', { name: 'Node node-c' }).click();
  await expect(panel.getByTestId('details-name')).toHaveText('node-c');
});

test('the namespace filter changes what is drawn and counted', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(viewOf()));

  await page.getByTestId('namespace-filter').click();
  await page.getByRole('checkbox', { name: 'shop' }).uncheck();
  const all = demo.nodes.filter((n) => n.kind === 'Namespace').map((n) => n.name);
  const withoutShop = viewOf({ level: 'auto', namespaces: all.filter((ns) => ns !== 'shop') });
  await expect(page.getByTestId('graph-summary')).toHaveText(`${summaryOf(withoutShop)} in ${all.length - 1} of ${all.length} namespaces`);
  expect(withoutShop.nodes.length).toBeLessThan(viewOf().nodes.length);
  expect(await page.evaluate(() => window.strataGraph!.ids().some((id) => id.startsWith('Pod/shop/')))).toBe(false);

  await page.getByRole('button', { name: 'All' }).click();
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(viewOf()));
});

test('search by label highlights matches, and Enter selects the first', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await page.getByRole('searchbox', { name: 'Search by name or label' }).fill('app=cart');
  const carts = demo.nodes.filter((n) => n.labels?.app === 'cart');
  await expect(page.getByTestId('graph-summary')).toHaveText(`${summaryOf(viewOf())}, ${carts.length} matching “app=cart”`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('details-name')).toHaveText(carts.map((n) => n.id).sort()[0].split('/').at(-1)!);
});

test('the theme switches between dark and light', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('a page opened without the token says it cannot connect', async ({ page, demo: server }) => {
  const url = new URL(server.url);
  await page.goto(`${url.origin}/`);
  await expect(page.getByTestId('sync-state')).toHaveText('Disconnected');
  await expect(page.getByTestId('status-bar')).toContainText('open the URL strata serve printed');
});

import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import type { Topology } from '../../src/shared/model';
import { CLI, expect, test } from './strataServe';

/** The demo as it is now; its recorded incident ends at the moment the demo opened. */
const now = JSON.parse(execFileSync(process.execPath, [CLI, 'graph', '--demo'], { encoding: 'utf8' })) as Topology;
const rolledOutPods = now.nodes.filter((n) => n.kind === 'Pod' && n.workload === 'Deployment/shop/checkout').map((n) => n.id);
const drawn = (page: Page) => page.evaluate(() => window.strataGraph?.ids() ?? []);

/** Clicks the timeline strip at a fraction of its width (0 = the start of the recording). */
async function scrubTo(page: Page, fraction: number): Promise<void> {
  const box = (await page.getByTestId('timeline-strip').boundingBox())!;
  await page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
}

test('scrub back to before the rollout, see the old graph, then compare two moments', async ({ page, demo }, testInfo) => {
  await page.goto(demo.url);
  await expect(page.getByTestId('timeline-position')).toHaveText('now');
  await expect.poll(() => drawn(page)).toEqual(expect.arrayContaining(rolledOutPods));

  // The demo records 30 minutes; the rollout starts 20 minutes before the end: 25% is before it.
  await scrubTo(page, 0.25);
  await expect(page.getByTestId('replaying')).toBeVisible();
  await expect.poll(async () => (await drawn(page)).filter((id) => rolledOutPods.includes(id))).toEqual([]);
  await expect.poll(async () => (await drawn(page)).some((id) => id.startsWith('Pod/shop/checkout-') && !id.includes('canary'))).toBe(true);
  await expect(page.getByTestId('graph-summary')).toContainText('as at');
  await page.getByTestId('timeline').getByRole('button', { name: /^A/ }).click();

  await page.getByRole('button', { name: 'Live' }).click();
  await expect(page.getByTestId('timeline-position')).toHaveText('now');
  await expect.poll(() => drawn(page)).toEqual(expect.arrayContaining(rolledOutPods));
  await page.getByTestId('timeline').getByRole('button', { name: /^B/ }).click();
  await page.getByRole('button', { name: 'Compare' }).click();

  const panel = page.getByTestId('compare-panel');
  await expect(panel).toContainText('added NetworkPolicy payments/default-deny');
  await expect(panel).toContainText(`added Pod shop/${rolledOutPods[0].split('/')[2]}`);
  await expect(panel).toContainText('ready: true → false');
  await expect(page.getByTestId('graph-summary')).toContainText('comparing');
  expect(await page.evaluate((id) => window.strataGraph!.classes(id), rolledOutPods[0])).toContain('diff-added');
  const removed = await page.evaluate(() => window.strataGraph!.ids().filter((id) => window.strataGraph!.classes(id).includes('diff-removed')));
  expect(removed.some((id) => id.startsWith('Pod/shop/checkout-'))).toBe(true);
  await page.screenshot({ path: testInfo.outputPath('compare.png') });

  // Following a change selects it in the graph.
  await panel.getByRole('button', { name: 'NetworkPolicy payments/default-deny' }).click();
  await page.getByRole('button', { name: 'End compare' }).click();
  await expect(panel).toBeHidden();
});

test('the keyboard steps through changes, and the timeline shows the gap and the marks', async ({ page, demo }) => {
  await page.goto(demo.url);
  await expect(page.getByTestId('timeline-strip')).toBeVisible();
  await expect(page.locator('.timeline-strip .gap title')).toHaveText(/^No data .*Connection to the API server lost \(demo\)\.$/);
  await expect(page.locator('.timeline-strip .mark title')).toHaveText([/checkout 5\.0\.2 rollout starts/, /default-deny applied in payments/]);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('replaying')).toBeVisible();
  const first = await page.getByTestId('timeline-position').textContent();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('timeline-position')).not.toHaveText(first!);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('timeline-position')).toHaveText(first!);

  // Play at 60×: the shown moment moves on by itself, and Pause holds it.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('60');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByTestId('timeline-position')).not.toHaveText(first!);
  await page.getByRole('button', { name: 'Pause' }).click();
});

import type { Page } from '@playwright/test';
import { expect, test } from './strataServe';

const droppedEdges = (page: Page) => page.evaluate(() => (window.strataGraph?.ids() ?? []).filter((id) => id.startsWith('observed:Pod/shop/checkout-') && id.endsWith('#dropped') && id.includes('->Pod/payments/')));
const forwardedEdges = (page: Page) => page.evaluate(() => (window.strataGraph?.ids() ?? []).filter((id) => id.startsWith('observed:Pod/shop/checkout-') && id.endsWith('#forwarded') && id.includes('->Pod/payments/')));

async function scrubTo(page: Page, fraction: number): Promise<void> {
  const box = (await page.getByTestId('timeline-strip').boundingBox())!;
  await page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
}

test('the demo shows checkout → payments traffic dropped by the default-deny, from the moment it landed', async ({ page, demo }, testInfo) => {
  await page.goto(demo.url);
  // Now: the policy is in force, and every checkout → payments connection is dropped.
  await expect.poll(() => droppedEdges(page)).not.toEqual([]);
  expect(await forwardedEdges(page)).toEqual([]);

  await page.getByRole('button', { name: 'Flow table' }).click();
  await page.getByRole('combobox', { name: 'Filter flows by verdict' }).selectOption('DROPPED');
  const table = page.getByTestId('flow-table');
  await expect(table.locator('tbody tr').first()).toContainText('POLICY_DENIED');
  await expect(table.locator('tbody tr').first()).toContainText('payments/default-deny');
  await expect(table.locator('tbody tr').first()).toContainText('8443/TCP');

  // Selecting a row selects the edge: its details name the policy too.
  await table.locator('tbody tr').first().click();
  await expect(page.getByTestId('observed-traffic')).toContainText('DROPPED');
  await expect(page.getByTestId('observed-traffic')).toContainText('policy payments/default-deny');
  await page.screenshot({ path: testInfo.outputPath('dropped-traffic.png') });

  // 18 minutes before the end (the recording spans 30): before the policy, the traffic flowed.
  await scrubTo(page, 12 / 30);
  await expect(page.getByTestId('replaying')).toBeVisible();
  await expect.poll(() => forwardedEdges(page)).not.toEqual([]);
  expect(await droppedEdges(page)).toEqual([]);

  // Flows only: the object edges go, the traffic stays.
  await page.getByRole('button', { name: 'Flows', exact: true }).click();
  await expect.poll(async () => (await page.evaluate(() => window.strataGraph!.ids().filter((id) => id.startsWith('slice-endpoint:')).length))).toBe(0);
  expect((await forwardedEdges(page)).length).toBeGreaterThan(0);
});

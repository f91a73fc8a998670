import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './strataServe';

/** Serious and critical violations of WCAG 2.x A and AA on the page as it is now, one line each. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

for (const theme of ['dark', 'light', 'contrast'] as const) {
  test(`the main views have no serious or critical accessibility violations (${theme} theme)`, async ({ page, demo: server }) => {
    await page.addInitScript((chosen) => localStorage.setItem('strata.theme', chosen), theme);
    await page.goto(server.url);
    await expect(page.getByTestId('graph-summary')).toContainText('28 pods');
    expect(await violations(page)).toEqual([]);
    // The details panel.
    const box = (await page.evaluate(() => window.strataGraph!.renderedBox('Service/shop/cart')))!;
    await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
    await expect(page.getByTestId('details-name')).toHaveText('cart');
    expect(await violations(page)).toEqual([]);
    // The Problems panel, then the Policies panel.
    await page.getByRole('button', { name: 'Close details' }).click();
    await page.getByTestId('problems-button').click();
    await expect(page.getByTestId('problems-panel')).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.getByTestId('problems-button').click();
    await page.getByRole('button', { name: 'Policies' }).click();
    await expect(page.getByTestId('policy-panel')).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });
}

test('the keyboard steps through the objects in reading order and opens their details; the table view lists what is drawn', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toContainText('28 pods');
  const graph = page.getByTestId('graph-canvas');
  await graph.focus();
  const focus = page.getByTestId('graph-focus');
  // Namespace by namespace from the top, layer by layer: the data namespace's first Service comes first.
  await page.keyboard.press('ArrowDown');
  await expect(focus).toContainText('Service legacy-orders-db, in namespace data');
  await page.keyboard.press('ArrowDown');
  await expect(focus).toContainText('Service postgres, in namespace data');
  await page.keyboard.press('ArrowUp');
  await expect(focus).toContainText('Service legacy-orders-db');
  // The arrows are the graph's while it has the keyboard: the timeline stays live.
  await expect(page.getByTestId('graph-summary')).not.toContainText(', as at ');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('details-name')).toHaveText('legacy-orders-db');
  // The last band is the shop namespace's, and its last layer the pods.
  await page.keyboard.press('End');
  await expect(focus).toContainText(/^Pod .*, in namespace shop/);
  await page.keyboard.press('Escape');
  await expect(focus).toHaveText('');

  await page.getByTestId('table-button').click();
  const table = page.getByTestId('drawn-table');
  await expect(table.locator('caption')).toContainText('objects drawn, in reading order');
  // Every drawn object but the boxes (namespaces, workloads, the Nodes) has its row, problems first in its state.
  const drawn = await page.evaluate(() => window.strataGraph!.view().drawnNodes);
  const rows = await table.locator('tbody tr').count();
  expect(rows).toBeGreaterThan(drawn - 25);
  expect(rows).toBeLessThan(drawn);
  // The Service with the planted selector typo says so.
  await expect(table.locator('tbody tr', { hasText: /^Serviceshoprecommendations/ })).toContainText('error:');
  await table.getByRole('button', { name: 'cart', exact: true }).first().click();
  await expect(page.getByTestId('details-name')).toHaveText('cart');
  expect(await violations(page)).toEqual([]);
});

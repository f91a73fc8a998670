import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { tempDir } from '../support/tempDir';
import { CLI, expect, test } from './strataServe';

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

test('flows are imported from the timeline into the demo recording and drawn', async ({ page, demo }) => {
  const topology = JSON.parse(execFileSync(process.execPath, [CLI, 'graph', '--demo'], { encoding: 'utf8' })) as { nodes: { id: string; kind: string; facts: { podIPs?: string[] } }[] };
  const ipOf = (prefix: string) => topology.nodes.find((n) => n.id.startsWith(prefix))!.facts.podIPs![0];
  const [from, to] = [ipOf('Pod/data/redis-0'), ipOf('Pod/data/postgres-0')];
  const dir = tempDir();
  const time = new Date(Date.now() - 60_000).toISOString();
  dir.write('flows.jsonl', `${JSON.stringify({ flow: { time, verdict: 'FORWARDED', IP: { source: from, destination: to }, l4: { TCP: { source_port: 40000, destination_port: 5432 } }, source: {}, destination: {} }, time })}\nnot a flow\n`);
  try {
    await page.goto(demo.url);
    await expect(page.getByTestId('timeline-strip')).toBeVisible();
    page.once('dialog', (dialog) => void dialog.accept(`${dir.path}/flows.jsonl`));
    await page.getByRole('button', { name: 'Import flows…' }).click();
    await expect(page.getByTestId('timeline-message')).toHaveText(/^Imported 1 flows; 1 of 2 lines skipped \(line 2: not JSON/);
    await expect.poll(() => page.evaluate(() => window.strataGraph!.ids().filter((id) => id.startsWith('observed:Pod/data/redis-0->Pod/data/postgres-0')))).toHaveLength(1);
  } finally {
    dir.remove();
  }
});

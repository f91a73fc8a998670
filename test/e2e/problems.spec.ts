import { execFileSync } from 'node:child_process';
import { projectView } from '../../src/core/view/projectView';
import type { Topology } from '../../src/shared/model';
import { CLI, expect, summaryOf, test } from './strataServe';

const demo = JSON.parse(execFileSync(process.execPath, [CLI, 'graph', '--demo'], { encoding: 'utf8' })) as Topology;

test('the Problems panel lists the demo’s planted faults with their fixes, and a click focuses the object', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(projectView(demo, { level: 'auto' })));
  const button = page.getByTestId('problems-button');
  // Errors and warnings are counted on the button once the first check is in.
  await expect(button).toHaveText(/Problems \(\d+\)/);
  await button.click();
  const panel = page.getByTestId('problems-panel');
  for (const rule of ['svc.selector.no-pods', 'ing.backend.service-missing', 'np.blocks-path', 'np.egress.no-dns', 'rt.parent.not-attachable', 'np.selects-nothing']) {
    await expect(panel.locator(`li[data-rule="${rule}"]`).first()).toBeVisible();
  }
  const typo = panel.locator('li[data-rule="svc.selector.no-pods"]');
  await expect(typo).toContainText('Service shop/recommendations selects app=recomendations');
  await typo.getByRole('button', { name: 'why & fix' }).click();
  await expect(typo).toContainText('Fix:');
  await expect(typo).toContainText('spec.selector');

  // A click on the finding selects its object in the graph and shows it in the details panel.
  await typo.locator('.finding-message').click();
  const details = page.getByTestId('details-panel');
  await expect(details.getByTestId('details-name')).toHaveText('recommendations');
  await expect(details.locator('.node-findings')).toContainText('svc.selector.no-pods');
  await expect.poll(() => page.evaluate(() => window.strataGraph!.classes('Service/shop/recommendations'))).toContain('finding-error');

  // Closing the details goes back to the list.
  await details.getByRole('button', { name: 'Close details' }).click();
  await expect(panel).toBeVisible();
});

test('“Problems only” draws what has a problem with its neighbours, and the Cluster tab profiles the network stack', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(projectView(demo, { level: 'auto' })));
  const all = await page.evaluate(() => window.strataGraph!.view().drawnNodes);
  await page.getByRole('button', { name: 'Problems only' }).click();
  await expect.poll(() => page.evaluate(() => window.strataGraph!.view().drawnNodes)).toBeLessThan(all);
  const ids = await page.evaluate(() => window.strataGraph!.ids());
  expect(ids).toContain('Service/shop/recommendations');
  expect(ids).toContain('Ingress/shop/legacy');
  // A healthy object with no problem nearby is left out.
  expect(ids).not.toContain('Service/data/postgres');

  await page.getByTestId('problems-button').click();
  await page.getByTestId('problems-panel').getByRole('tab', { name: 'Cluster' }).click();
  const profile = page.getByTestId('cluster-profile');
  await expect(profile).toContainText('Cilium (enforces NetworkPolicy)');
  await expect(profile).toContainText('NetworkPolicies are enforced');
  await expect(profile).toContainText('CoreDNS, Service kube-system/kube-dns with 2 ready endpoints');
  await expect(profile).toContainText('nginx → k8s.io/ingress-nginx (default)');
});

test('over the demo’s recorded incident, findings carry when they were first seen, and the timeline marks them', async ({ page, demo: server }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('graph-summary')).toHaveText(summaryOf(projectView(demo, { level: 'auto' })));
  // The cart pod went not ready during the incident: its finding appeared then, and is marked.
  await expect(page.getByTestId('finding-mark').first()).toBeAttached();
  await page.getByTestId('problems-button').click();
  const cart = page.getByTestId('problems-panel').locator('li[data-rule="svc.partial-ready"]').filter({ hasText: 'shop/cart' });
  await expect(cart.locator('.finding-time')).toHaveText(/^since \d{2}:\d{2}:\d{2}/);
  // A fault that was there from the start says so rather than inventing a time.
  const typo = page.getByTestId('problems-panel').locator('li[data-rule="svc.selector.no-pods"]');
  await expect(typo.locator('.finding-time')).toHaveText('present when the recording starts');
});

import type { Page } from '@playwright/test';
import { expect, test } from './strataServe';

const classesOf = (page: Page, prefix: string) =>
  page.evaluate((p) => (window.strataGraph?.ids() ?? []).filter((id) => id.startsWith(p)).map((id) => window.strataGraph!.classes(id)), prefix);

test('the Policies layer on the demo: isolation, edge verdicts, "Can A reach B?" explaining the payments default-deny, and a what-if that fixes it', async ({ page, demo }, testInfo) => {
  await page.goto(demo.url);
  await expect(page.getByTestId('graph-summary')).toContainText('nodes');
  await page.getByRole('button', { name: 'Policies' }).click();
  const panel = page.getByTestId('policy-panel');
  await expect(panel.getByTestId('policy-summary')).toContainText('policies;');
  await expect(page.getByTestId('graph-summary')).toContainText('policies layer on (ipBlock matches pod IPs, endPort enforced)');

  // payments pods are isolated both ways by default-deny; their backend edges carry a verdict.
  await expect.poll(async () => (await classesOf(page, 'Pod/payments/payments-api-')).every((c) => c.includes('isolated-ingress') && c.includes('isolated-egress'))).toBe(true);
  await expect.poll(async () => (await classesOf(page, 'slice-endpoint:')).some((c) => c.includes('policy-restricted'))).toBe(true);
  // A selected pod says how policies isolate it.
  const paymentsPod = (await page.evaluate(() => (window.strataGraph?.ids() ?? []).find((id) => id.startsWith('Pod/payments/payments-api-'))))!;
  const podBox = (await page.evaluate((id) => window.strataGraph?.renderedBox(id) ?? null, paymentsPod))!;
  await page.mouse.click(podBox.x + podBox.w / 2, podBox.y + podBox.h / 2);
  await expect(page.getByTestId('details-policies')).toContainText('Ingress: isolated; egress: isolated');
  await expect(page.getByTestId('details-policies')).toContainText('Selected by NetworkPolicy/payments/default-deny');
  await page.getByRole('button', { name: 'Close details' }).click();

  // Focusing a policy highlights what it selects: default-deny every payments pod, allow-checkout none (its typo).
  await panel.getByRole('button', { name: 'NetworkPolicy/payments/default-deny' }).click();
  await expect.poll(async () => (await classesOf(page, 'Pod/payments/payments-api-')).every((c) => c.includes('policy-selected'))).toBe(true);
  await expect(panel.getByRole('listitem').filter({ hasText: 'NetworkPolicy/payments/allow-checkout' })).toContainText('selects 0');

  // Policies drawn as nodes, linked to what they select; clicking one focuses it.
  await panel.getByRole('button', { name: 'NetworkPolicy/payments/default-deny' }).click();
  await panel.getByLabel('Draw policies as nodes').check();
  await expect.poll(() => page.evaluate(() => (window.strataGraph?.ids() ?? []).filter((id) => id.startsWith('policy-selects:NetworkPolicy/payments/default-deny->')).length)).toBe(3);
  const box = (await page.evaluate(() => window.strataGraph?.renderedBox('NetworkPolicy/shop/allow-frontend-to-api') ?? null))!;
  await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
  await expect(panel.getByRole('button', { name: 'NetworkPolicy/shop/allow-frontend-to-api' })).toHaveAttribute('aria-pressed', 'true');
  expect(await page.evaluate(() => window.strataGraph!.classes('NetworkPolicy/shop/allow-frontend-to-api'))).toContain('policy-focused');
  await page.screenshot({ path: testInfo.outputPath('policies-as-nodes.png') });
  await panel.getByLabel('Draw policies as nodes').uncheck();

  // Can checkout reach payments-api on its Service port? No: default-deny isolates it and nothing lets checkout in.
  await panel.getByLabel('From', { exact: true }).fill('shop/checkout');
  await panel.getByLabel('To', { exact: true }).fill('payments/payments-api');
  await panel.getByLabel('Port', { exact: true }).fill('443');
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  const result = panel.getByTestId('reach-result');
  await expect(result.locator('.outcome')).toHaveText('Denied');
  await expect(result).toContainText('Service payments/payments-api port 443/TCP → targetPort https');
  await expect(result).toContainText('TCP 8443');
  await expect(result).toContainText('is isolated for ingress by NetworkPolicy/payments/default-deny, and no rule of them allows pod shop/checkout-');
  await page.screenshot({ path: testInfo.outputPath('policies-reach.png') });
  // The frontend reaches checkout on the API tier's named port.
  await panel.getByLabel('From', { exact: true }).fill('shop/frontend');
  await panel.getByLabel('To', { exact: true }).fill('shop/checkout');
  await panel.getByLabel('Port', { exact: true }).fill('80');
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(result).toContainText('Service shop/checkout has no TCP port 80; its ports are 8080/TCP');
  await panel.getByLabel('Port', { exact: true }).fill('8080');
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(result.locator('.outcome')).toHaveText('Allowed');
  await expect(result).toContainText('allowed by NetworkPolicy/shop/allow-frontend-to-api rule ingress[0]');

  // What-if: fix allow-checkout's selector. The preview lists the change; nothing is applied.
  await panel.getByLabel('Policy YAML').fill(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-checkout, namespace: payments}
spec:
  podSelector: {matchLabels: {app: payments-api}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}, podSelector: {matchLabels: {app: checkout}}}]
      ports: [{port: 8443}]
`);
  await panel.getByRole('button', { name: 'Preview', exact: true }).click();
  // The typo fixed: checkout (stable and canary) gets in on 8443, and only that.
  await expect(panel.getByTestId('what-if-result')).toContainText('Previewing NetworkPolicy/payments/allow-checkout: 2 workload pairs change');
  await expect(panel.getByTestId('what-if-result')).toContainText('+ shop/checkout[Deployment] → payments/payments-api[Deployment]: TCP 8443');
  await expect(panel.getByTestId('what-if-result')).toContainText('+ shop/checkout-canary[Deployment] → payments/payments-api[Deployment]: TCP 8443');
  await expect(page.getByTestId('graph-summary')).toContainText('what-if preview');
  // While the preview is on, "Can A reach B?" answers in its state: checkout now gets in.
  await expect(panel.getByRole('heading', { name: 'Can A reach B? (with the what-if policies)' })).toBeVisible();
  await panel.getByLabel('From', { exact: true }).fill('shop/checkout');
  await panel.getByLabel('To', { exact: true }).fill('payments/payments-api');
  await panel.getByLabel('Port', { exact: true }).fill('443');
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(result.locator('.outcome')).toHaveText('Allowed');
  await expect(result).toContainText('allowed by NetworkPolicy/payments/allow-checkout rule ingress[0]');
  await panel.getByLabel('Policy YAML').fill('kind: Service\napiVersion: v1\nmetadata: {name: x}\n');
  await panel.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(panel.getByRole('alert')).toContainText('what-if takes NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy objects only');
});

import { expect, test } from './strataServe';

const classesOf = (page: import('@playwright/test').Page, prefix: string) =>
  page.evaluate((p) => (window.strataGraph?.ids() ?? []).filter((id) => id.startsWith(p)).map((id) => window.strataGraph!.classes(id)), prefix);

test('the Policies layer on the demo: isolation, edge verdicts, "Can A reach B?" explaining the payments default-deny, and a what-if', async ({ page, demo }, testInfo) => {
  await page.goto(demo.url);
  await expect(page.getByTestId('graph-summary')).toContainText('nodes');
  await page.getByRole('button', { name: 'Policies' }).click();
  const panel = page.getByTestId('policy-panel');
  await expect(panel.getByTestId('policy-summary')).toContainText('policies;');
  await expect(page.getByTestId('graph-summary')).toContainText('policies layer on (ipBlock matches pod IPs, endPort enforced)');

  // payments pods are isolated both ways by default-deny; their backend edges carry a verdict.
  await expect.poll(async () => (await classesOf(page, 'Pod/payments/payments-api-')).every((c) => c.includes('isolated-ingress') && c.includes('isolated-egress'))).toBe(true);
  await expect.poll(async () => (await classesOf(page, 'slice-endpoint:')).some((c) => c.includes('policy-restricted'))).toBe(true);
  // Hubble dropped checkout → payments while the policies allow it: marked as a disagreement.
  await expect.poll(async () => (await classesOf(page, 'observed:Pod/shop/checkout-')).some((c) => c.includes('policy-mismatch'))).toBe(true);

  // Focusing a policy highlights what it selects.
  await panel.getByRole('button', { name: 'NetworkPolicy/payments/default-deny' }).click();
  await expect.poll(async () => (await classesOf(page, 'Pod/payments/payments-api-')).every((c) => c.includes('policy-selected'))).toBe(true);

  // Can the frontend reach payments-api on its Service port? No, and the panel says which policy isolates it.
  await panel.getByLabel('From', { exact: true }).fill('shop/frontend');
  await panel.getByLabel('To', { exact: true }).fill('payments/payments-api');
  await panel.getByLabel('Port', { exact: true }).fill('443');
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  const result = panel.getByTestId('reach-result');
  await expect(result).toContainText('Denied');
  await expect(result).toContainText('Service payments/payments-api port 443/TCP → targetPort https');
  await expect(result).toContainText('is isolated for ingress by NetworkPolicy/payments/default-deny');
  // Checkout is let in by allow-checkout, on the resolved targetPort.
  await panel.getByLabel('From', { exact: true }).fill('shop/checkout');
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(result.locator('.outcome')).toHaveText('Allowed');
  await expect(result).toContainText('allowed by NetworkPolicy/payments/allow-checkout rule ingress[0]');
  await expect(result).toContainText('8443');
  await page.screenshot({ path: testInfo.outputPath('policies-reach.png') });

  // What-if: let the frontend in too. The preview lists the change; nothing is applied.
  await panel.getByLabel('Policy YAML').fill(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-frontend, namespace: payments}
spec:
  podSelector: {matchLabels: {app: payments-api}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}, podSelector: {matchLabels: {app: frontend}}}]
      ports: [{port: 8443}]
`);
  await panel.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(panel.getByTestId('what-if-result')).toContainText('+ shop/frontend[Deployment] → payments/payments-api[Deployment]: TCP 8443');
  await expect(page.getByTestId('graph-summary')).toContainText('what-if preview');
  await panel.getByLabel('Policy YAML').fill('kind: Service\napiVersion: v1\nmetadata: {name: x}\n');
  await panel.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(panel.getByRole('alert')).toContainText('what-if takes NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy objects only');
});

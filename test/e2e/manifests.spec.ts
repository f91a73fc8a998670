import { expect, test } from '@playwright/test';
import { tempDir } from '../support/tempDir';
import { startServe } from './strataServe';

const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: review}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: review}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]}
`;

test('a manifest folder is drawn, and an edited manifest redraws it live', async ({ page }) => {
  const dir = tempDir({ 'web.yaml': service('web') });
  const server = await startServe(['--manifests', dir.path]);
  try {
    await page.goto(server.url);
    // Namespace, Deployment, Service, EndpointSlice, Pod; and service→slice, slice→pod.
    await expect(page.getByTestId('graph-summary')).toHaveText('1 pod in 1 workload in 1 namespace · drawn: 5 nodes, 2 edges');
    await expect(page.getByTestId('source-label')).toContainText(dir.path);
    const before = await page.evaluate(() => window.strataGraph!.renderedBox('Service/review/web'));

    dir.write('nested/api.yaml', service('api'));
    await expect(page.getByTestId('graph-summary')).toHaveText('2 pods in 2 workloads in 1 namespace · drawn: 9 nodes, 4 edges');
    // What was there keeps its place on screen.
    expect(await page.evaluate(() => window.strataGraph!.renderedBox('Service/review/web'))).toEqual(before);

    dir.write('nested/broken.yaml', 'kind: [\n');
    await expect(page.getByRole('button', { name: '1 error' })).toBeVisible();
    await page.getByRole('button', { name: '1 error' }).click();
    await expect(page.getByTestId('notices')).toContainText('nested/broken.yaml:');
  } finally {
    await server.stop();
    dir.remove();
  }
});

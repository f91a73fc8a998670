import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { kubeconfigYaml } from '../doubles/kubeconfigFile';
import { echoCluster, namespace, node, pod } from '../support/clusterObjects';
import { startTestCluster, type TestCluster } from '../support/liveCluster';
import { startServe, type StrataServe } from './strataServe';

// strata serve against two Kubernetes API server DOUBLES (test/doubles), not real clusters.
let east: TestCluster;
let west: TestCluster;
let server: StrataServe;

test.beforeAll(async () => {
  east = await startTestCluster({ objects: echoCluster() });
  // Recordings started from the app go to a scratch folder, not the user's data folder.
  process.env.STRATA_RECORDINGS = east.dir.path;
  west = await startTestCluster({ objects: [namespace('west-shop'), node('west-node', 0), pod('west-shop', 'west-web-1', { node: 'west-node', app: 'west' })] });
  const kubeconfig = join(east.dir.path, 'two-clusters');
  writeFileSync(
    kubeconfig,
    kubeconfigYaml({
      contexts: [
        { name: 'east', server: east.api.url, ca: east.pki.ca.cert, user: { clientCert: await east.pki.clientCert('alice') } },
        { name: 'west', server: west.api.url, ca: west.pki.ca.cert, user: { clientCert: await west.pki.clientCert('alice') } },
      ],
      current: 'east',
    }),
  );
  server = await startServe(['--kubeconfig', kubeconfig]);
});

test.afterAll(async () => {
  await server?.stop();
  await east?.close();
  await west?.close();
});

const drawn = (page: Page) => page.evaluate(() => window.strataGraph?.ids() ?? []);

test('recording is turned on from the timeline, shown in the status bar, and replayable', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced');
  await expect(page.getByTestId('timeline')).toContainText('No history yet: turn recording on to keep it.');
  await page.getByRole('button', { name: '● Record' }).click();
  await expect(page.getByTestId('recording-status')).toContainText('● Recording');
  await expect(page.getByTestId('timeline-strip')).toBeVisible();
  east.api.apply(pod('wire-demo', 'echo-while-recording', { ip: '10.244.0.97', node: 'node-1' }));
  await expect.poll(() => drawn(page)).toContain('Pod/wire-demo/echo-while-recording');
  // Back to the start of the recording: the pod was not there yet.
  const box = (await page.getByTestId('timeline-strip').boundingBox())!;
  await page.mouse.click(box.x + 2, box.y + box.height / 2);
  await expect(page.getByTestId('replaying')).toBeVisible();
  await expect.poll(() => drawn(page)).not.toContain('Pod/wire-demo/echo-while-recording');
  await page.getByRole('button', { name: 'Live' }).click();
  await expect.poll(() => drawn(page)).toContain('Pod/wire-demo/echo-while-recording');
  await page.getByRole('button', { name: '■ Stop recording' }).click();
  await expect(page.getByTestId('recording-status')).toBeHidden();
});

test('a live context is drawn, follows changes on the server, and a second context redraws it', async ({ page }, testInfo) => {
  await page.goto(server.url);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced');
  await expect(page.getByTestId('source-label')).toHaveText('Context: east');
  await expect.poll(() => drawn(page)).toContain('Pod/wire-demo/echo-5dd6d88bc9-1');

  east.api.apply(pod('wire-demo', 'echo-scaled-up', { ip: '10.244.0.99', node: 'node-2' }));
  await expect.poll(() => drawn(page)).toContain('Pod/wire-demo/echo-scaled-up');
  const box = await page.evaluate(() => window.strataGraph!.renderedBox('Pod/wire-demo/echo-5dd6d88bc9-1'));
  east.api.apply(pod('wire-demo', 'echo-scaled-up-2', { ip: '10.244.0.98', node: 'node-2' }));
  await expect.poll(() => drawn(page)).toContain('Pod/wire-demo/echo-scaled-up-2');
  // Live updates do not move what was already drawn.
  expect(await page.evaluate(() => window.strataGraph!.renderedBox('Pod/wire-demo/echo-5dd6d88bc9-1'))).toEqual(box);

  await page.getByTestId('context-switcher').selectOption('west');
  await expect(page.getByTestId('source-label')).toHaveText('Context: west');
  await expect(page.getByTestId('sync-state')).toHaveText('Synced');
  await expect.poll(() => drawn(page)).toContain('Pod/west-shop/west-web-1');
  expect((await drawn(page)).some((id) => id.startsWith('Pod/wire-demo/'))).toBe(false);
  await page.screenshot({ path: testInfo.outputPath('live-west.png') });

  // Strata only ever read, and never asked for Secrets or ConfigMaps.
  for (const api of [east.api, west.api]) {
    expect(api.requests.filter((r) => !['get', 'list', 'watch'].includes(r.verb))).toEqual([]);
    expect(api.requests.filter((r) => r.resource === 'secrets' || r.resource === 'configmaps')).toEqual([]);
  }
});

import { expect, test, type Page } from '@playwright/test';
import { syntheticCluster } from '../bench/syntheticCluster';
import { startTestCluster, type TestCluster } from '../support/liveCluster';
import { startServe, type StrataServe } from './strataServe';

// strata serve against the Kubernetes API server DOUBLE holding a synthetic cluster of 20,000 pods:
// more than a person can read pod by pod, so the picture starts at the cluster level.
const SIZE = { namespaces: 100, nodes: 300, services: 2_000, pods: 20_000 };
let cluster: TestCluster;
let server: StrataServe;

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async () => {
  cluster = await startTestCluster({ objects: syntheticCluster(SIZE) });
  server = await startServe(['--kubeconfig', cluster.kubeconfig, '--context', 'alice']);
});

test.afterAll(async () => {
  await server?.stop();
  await cluster?.close();
});

const drawn = (page: Page) => page.evaluate(() => window.strataGraph?.ids() ?? []);
const viewOf = (page: Page) => page.evaluate(() => window.strataGraph!.view());
/** A pod of the synthetic cluster: Service `svc-S` in `ns-(S mod 100)` has ten pods, `svc-S-7d9f8c6b5-0000P`. */
const podOf = (service: number, index: number) => ({ namespace: `ns-${service % SIZE.namespaces}`, name: `svc-${service}-7d9f8c6b5-${String(index).padStart(5, '0')}` });

async function openSynced(page: Page): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 60_000 });
  await expect(page.getByTestId('graph-summary')).toContainText('20,000 pods in 2,000 workloads in 100 namespaces', { timeout: 60_000 });
}

async function doubleClick(page: Page, id: string): Promise<void> {
  const box = await page.evaluate((nodeId) => window.strataGraph?.renderedBox(nodeId) ?? null, id);
  if (!box) throw new Error(`${id} is not drawn`);
  await page.mouse.dblclick(box.x + box.w / 2, box.y + box.h / 2);
}

test('the summary accounts for every pod, and the cluster level draws namespaces as cells', async ({ page }) => {
  await openSynced(page);
  // 100 namespace cells and the Nodes' cell; no pod is drawn, and none is lost.
  await expect(page.getByTestId('graph-summary')).toHaveText('20,000 pods in 2,000 workloads in 100 namespaces · drawn: 101 nodes, 0 edges');
  const view = await viewOf(page);
  expect(view.level).toBe('cluster');
  expect((await drawn(page)).filter((id) => id.startsWith('Pod/'))).toEqual([]);
  expect(await page.evaluate(() => window.strataGraph!.classes('Namespace/ns-7'))).toEqual(expect.arrayContaining(['aggregate', 'folded', 'health-ok']));
});

test('drilling into a namespace and a workload draws their contents in place; the other cells do not move', async ({ page }) => {
  await openSynced(page);
  const before = await page.evaluate(() => window.strataGraph!.renderedBox('Namespace/ns-8'));
  await doubleClick(page, 'Namespace/ns-7');
  // ns-7 holds Services svc-7, svc-107, … each with one ReplicaSet of ten pods.
  await expect.poll(() => drawn(page)).toEqual(expect.arrayContaining(['Service/ns-7/svc-7', 'ReplicaSet/ns-7/svc-7-7d9f8c6b5']));
  expect((await drawn(page)).some((id) => id.startsWith('Pod/ns-7/'))).toBe(false);
  expect(await page.evaluate(() => window.strataGraph!.renderedBox('Namespace/ns-8'))).toEqual(before);

  await page.evaluate(() => window.strataGraph!.expand('ReplicaSet/ns-7/svc-7-7d9f8c6b5'));
  await expect.poll(async () => (await drawn(page)).filter((id) => id.startsWith('Pod/ns-7/svc-7-')).length).toBe(10);
  await expect(page.getByTestId('graph-summary')).toContainText('20,000 pods in 2,000 workloads in 100 namespaces · drawn:');

  // Back out: the Cluster level folds everything again.
  await page.getByRole('button', { name: 'Cluster', exact: true }).click();
  await expect.poll(async () => (await drawn(page)).some((id) => id.startsWith('Service/ns-7/'))).toBe(false);
});

test('search finds a folded pod; picking it opens what holds it and selects it', async ({ page }) => {
  await openSynced(page);
  const { namespace, name } = podOf(1234, 3);
  await page.getByRole('searchbox', { name: 'Search by name or label' }).fill(name);
  await expect(page.getByTestId('search-hits')).toContainText(`Pod ${namespace}/${name}`);
  await page.keyboard.press('Enter');
  await expect.poll(() => drawn(page)).toContain(`Pod/${namespace}/${name}`);
  await expect(page.getByTestId('details-name')).toHaveText(name);
});

test('a pod that turns not ready on the server is drawn on its own at the cluster level', async ({ page }) => {
  await openSynced(page);
  const { namespace, name } = podOf(42, 0);
  const pod = cluster.api.get('Pod', namespace, name)!;
  const status = pod.status as { conditions: { type: string; status: string }[] };
  cluster.api.apply({ ...pod, status: { ...status, conditions: [{ type: 'Ready', status: 'False' }] } });
  await expect.poll(() => drawn(page)).toContain(`Pod/${namespace}/${name}`);
  expect(await page.evaluate((id) => window.strataGraph!.classes(id), `Pod/${namespace}/${name}`)).toEqual(expect.arrayContaining(['problem', 'drawn-alone']));
  await expect(page.getByTestId('graph-summary')).toContainText('drawn: 102 nodes');
});

test("a presenter's picture does not move when unrelated pods churn", async ({ page }) => {
  await openSynced(page);
  const cells = ['Namespace/ns-0', 'Namespace/ns-50', 'Namespace/ns-99', 'Nodes/all'];
  const boxes = () => page.evaluate((ids) => ids.map((id) => window.strataGraph!.renderedBox(id)), cells);
  const before = await boxes();
  const { revision, painted } = await viewOf(page);
  // Pods come and go in another namespace, all of them ready.
  for (let i = 0; i < 20; i++) {
    const { namespace, name } = podOf(10 + 100 * i, 9);
    const pod = cluster.api.get('Pod', namespace, name)!;
    cluster.api.delete('Pod', namespace, name);
    cluster.api.apply({ ...pod, metadata: { ...(pod.metadata as object), name: `${name}-new` } });
  }
  // The new revision has been drawn: its counts are in ns-10's cell.
  await expect.poll(async () => (await viewOf(page)).revision).toBeGreaterThan(revision);
  await expect.poll(async () => (await viewOf(page)).painted).toBeGreaterThan(painted);
  expect(await boxes()).toEqual(before);
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJson } from '../../src/main/store/codec';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import type { Topology } from '../../src/shared/model';
import { echoCluster, pod } from '../support/clusterObjects';
import { eventually, startTestCluster, type TestCluster } from '../support/liveCluster';
import { runCli } from '../support/runCli';

const CLI = fileURLToPath(new URL('../../src/main/cli/index.ts', import.meta.url));

// strata record, graph --db and bundles, against the Kubernetes API server DOUBLE (test/doubles).
describe('recording a context headless, replaying it, and sharing it as a bundle', () => {
  let cluster: TestCluster;
  let db: string;
  let beforeScaleUp: number;
  let afterScaleUp: number;

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: echoCluster() });
    db = join(cluster.dir.path, 'history.strata');
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('records until SIGTERM, showing progress, and closes cleanly', async () => {
    const recorder = spawn(process.execPath, ['--import', 'tsx', CLI, 'record', '--kubeconfig', cluster.kubeconfig, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    recorder.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => recorder.on('close', resolve));
    await eventually(() => stderr.includes('strata: recording context alice'), 'the recorder to start');
    const count = () => {
      const store = RecordingStore.open(db, { readonly: true });
      try {
        return store.info().events;
      } finally {
        store.close();
      }
    };
    await eventually(() => count() >= 9, 'the initial objects to be committed');
    beforeScaleUp = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    cluster.api.apply(pod('wire-demo', 'echo-5dd6d88bc9-4', { ip: '10.244.0.14' }));
    await eventually(() => count() >= 10, 'the scale-up to be committed');
    afterScaleUp = Date.now();
    recorder.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(stderr).toMatch(/strata: recorded \d+ events into .*history\.strata \([\d.]+ MiB\)\.\n$/);
    expect(stderr).toMatch(/synced · \d+ objects · \d+ events · \d+ events\/s · [\d.]+ MiB/);
  }, 40_000);

  it('prints the topology at a moment of the recording, in the live shape', async () => {
    const at = (t: number) => runCli(['graph', '--db', db, '--at', new Date(t).toISOString()]);
    const before = JSON.parse((await at(beforeScaleUp)).stdout) as Topology;
    const after = JSON.parse((await at(afterScaleUp)).stdout) as Topology;
    const pods = (t: Topology) => t.nodes.filter((n) => n.kind === 'Pod').map((n) => n.name);
    expect(pods(before)).not.toContain('echo-5dd6d88bc9-4');
    expect(pods(after)).toContain('echo-5dd6d88bc9-4');
    expect(pods(after)).toContain('echo-5dd6d88bc9-1');
    const relative = await runCli(['graph', '--db', db, '--at', '-1d']);
    expect(relative.code).toBe(0);
    expect(relative.stderr).toMatch(/is outside the recording/);
    expect(await runCli(['graph', '--db', db, '--at', 'yesterday'])).toMatchObject({ code: 2, stderr: 'strata: --at yesterday is not a time; use an RFC 3339 timestamp (2026-11-23T02:13:00Z) or a relative time (-15m).\n' });
  });

  it('exports a time range as a bundle that opens without the cluster and holds nothing sensitive', async () => {
    const bundle = join(cluster.dir.path, 'incident.strata');
    const exported = await runCli(['bundle', 'export', '--db', db, '--from', new Date(beforeScaleUp).toISOString(), '--to', 'now', '-n', 'wire-demo', '--out', bundle]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^Wrote .*incident\.strata: \d+ changes and 0 traffic buckets from .* in wire-demo\.\n$/);

    const imported = await runCli(['bundle', 'import', bundle]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('cluster:    alice (cluster alice, https://127.0.0.1:');
    expect(imported.stdout).toContain('namespaces: wire-demo');
    expect(imported.stdout).toMatch(/span: +\d{4}-\d\d-\d\dT.* to \d{4}-/);
    expect(imported.stdout).toMatch(/counts: +\d+ changes, \d+ keyframes, 1 sessions, \d+ gaps/);

    await cluster.api.close();
    const replayed = JSON.parse((await runCli(['graph', '--db', bundle])).stdout) as Topology;
    expect(replayed.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['Pod/wire-demo/echo-5dd6d88bc9-4', 'Service/wire-demo/echo', 'Node/node-1']));

    const store = RecordingStore.open(bundle, { readonly: true });
    const blobs = [
      ...(store.database.prepare('SELECT data FROM batches').all() as { data: Buffer }[]),
      ...(store.database.prepare('SELECT data FROM keyframe_parts').all() as { data: Buffer }[]),
    ].map((row) => JSON.stringify(decodeJson(row.data)));
    store.close();
    for (const text of blobs) expect(text).not.toMatch(/managedFields|annotations|last-applied|"env"|token|BEGIN CERTIFICATE|"kind":"(Secret|ConfigMap)"/);
  });

  it('refuses to overwrite, and reports a damaged bundle clearly', async () => {
    const existing = await runCli(['bundle', 'export', '--db', db, '--from', '-1h', '--to', 'now', '--out', db]);
    expect(existing).toMatchObject({ code: 2, stderr: `strata: ${db} exists already; choose another --out.\n` });
    const notABundle = join(cluster.dir.path, 'kubeconfig-is-not-a-bundle');
    cluster.dir.write('kubeconfig-is-not-a-bundle', 'apiVersion: v1\n');
    expect(await runCli(['bundle', 'import', notABundle])).toMatchObject({ code: 1, stderr: `strata: ${notABundle} is not a Strata recording (it is not an SQLite database).\n` });
  });
});

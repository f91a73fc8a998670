import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../src/shared/model';
import { runCli } from '../support/runCli';
import { tempDir } from '../support/tempDir';

const manifests = tempDir({
  'app/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`,
  // Line 4 mixes a value and a nested mapping: a typical indentation slip.
  'app/broken.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n    labels: {a: b}\nspec: {}\n',
  'README.md': '# not a manifest\n',
});
afterAll(() => manifests.remove());

describe('strata graph', () => {
  it('prints the demo topology as JSON in the documented shape, exit code 0', async () => {
    const result = await runCli(['graph', '--demo', '-o', 'json']);
    expect(result.code).toBe(0);
    const topology = JSON.parse(result.stdout) as Topology;
    expect(Object.keys(topology)).toEqual(['nodes', 'edges']);
    expect(topology.nodes.length).toBeGreaterThan(40);
    for (const node of topology.nodes) expect(node).toEqual(expect.objectContaining({ id: expect.any(String), kind: expect.any(String), name: expect.any(String) }));
    for (const edge of topology.edges) expect(edge).toEqual(expect.objectContaining({ source: expect.any(String), target: expect.any(String), type: expect.any(String) }));
  });

  it('prints Graphviz DOT', async () => {
    const result = await runCli(['graph', '--demo', '-o', 'dot']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^digraph strata \{/);
    expect(result.stdout).toContain('"Ingress/shop/storefront" -> "Service/shop/frontend"');
  });

  it('prints a Mermaid flowchart with the layers as subgraphs', async () => {
    const result = await runCli(['graph', '--demo', '-o', 'mermaid']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flowchart LR\n/);
    expect(result.stdout).toContain('subgraph services["Services"]');
    expect(result.stdout).toContain('["Ingress shop/storefront"]');
  });

  it('draws a manifest folder, reports broken YAML with file and line on stderr, and exits 3', async () => {
    const result = await runCli(['graph', '--manifests', manifests.path]);
    expect(result.code).toBe(3);
    const topology = JSON.parse(result.stdout) as Topology;
    const pod = topology.nodes.find((n) => n.kind === 'Pod');
    expect(pod).toMatchObject({ namespace: 'shop', synthesized: true, workload: 'Deployment/shop/web' });
    expect(topology.edges.find((e) => e.type === 'slice-endpoint')?.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 'http', containerPort: 8080 }]);
    expect(result.stderr).toMatch(/^strata: error: app\/broken\.yaml:4: YAML error: Nested mappings are not allowed in compact mappings$/m);
    expect(result.stderr).toContain('strata: note: .: 1 file is not YAML or JSON and was skipped');
  });

  it('exits 1 with one plain sentence when the folder does not exist', async () => {
    const result = await runCli(['graph', '--manifests', '/no/such/folder']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('strata: Manifest folder /no/such/folder does not exist.\n');
    expect(result.stdout).toBe('');
  });

  it('exits 2 for a usage error', async () => {
    expect(await runCli(['graph', '-o', 'xml'])).toMatchObject({ code: 2, stderr: 'strata: Output format "xml" is not known; use -o json, -o dot, -o mermaid or -o svg.\n' });
    expect(await runCli(['graph', '--demo', '--manifests', manifests.path])).toMatchObject({ code: 2, stderr: 'strata: Choose one source: --demo, --manifests DIR, --db FILE, or a cluster (--kubeconfig/--context/--namespace).\n' });
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});

describe('strata serve', () => {
  it('prints a 127.0.0.1 URL with a token and stops on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/index.ts', 'serve', '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,})/.exec(out);
        if (match) resolve(match[1]);
      });
      child.on('close', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
  });

  it('exits 1 with one sentence, before listening, when --db is not a recording', async () => {
    const notARecording = join(manifests.path, 'README.md');
    // Without the check, serve keeps running: runCli kills it after its timeout and the code is null.
    expect(await runCli(['serve', '--db', notARecording])).toEqual({ code: 1, stdout: '', stderr: `strata: ${notARecording} is not a Strata recording (it is not an SQLite database).\n` });
    expect(await runCli(['serve', '--db', '/no/such.strata'])).toEqual({ code: 1, stdout: '', stderr: 'strata: Recording /no/such.strata does not exist.\n' });
  }, 40_000);

  it('exits 2 with one sentence naming the file and the field when --view cannot be opened', async () => {
    const views = tempDir({
      'cut.strata-view.json': '{"strataView": 1, "spec": {"level": "ful',
      'level.strata-view.json': JSON.stringify({ strataView: 1, spec: { level: 'pods' } }),
      'tour.strata-tour.json': JSON.stringify({ strataTour: 1, stops: [{ title: 'one', view: { strataView: 1, spec: { level: 'full' }, camera: { zoom: -1, pan: { x: 0, y: 0 } } } }] }),
    });
    try {
      const cut = await runCli(['serve', '--demo', '--view', join(views.path, 'cut.strata-view.json')]);
      expect(cut).toMatchObject({ code: 2, stdout: '' });
      expect(cut.stderr).toMatch(/^strata: \S+cut\.strata-view\.json is not JSON \(.+\); a view is saved as \.strata-view\.json from the Export menu\.\n$/);
      expect(await runCli(['serve', '--demo', '--view', join(views.path, 'level.strata-view.json')])).toEqual({
        code: 2,
        stdout: '',
        stderr: `strata: ${join(views.path, 'level.strata-view.json')}: The view's spec.level must be one of auto, cluster, namespace, full, nodes.\n`,
      });
      expect((await runCli(['serve', '--demo', '--view', join(views.path, 'tour.strata-tour.json')])).stderr).toBe(`strata: ${join(views.path, 'tour.strata-tour.json')}: Stop 1's view's camera.zoom must be above 0.\n`);
      expect(await runCli(['serve', '--demo', '--view', '/no/such.strata-view.json'])).toEqual({ code: 2, stdout: '', stderr: 'strata: --view /no/such.strata-view.json cannot be read (ENOENT).\n' });
    } finally {
      views.remove();
    }
  }, 60_000);
});

import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeconfigError, listContexts, loadKubeconfig, locateKubeconfig } from '../../src/main/cluster/kubeconfig';
import { kubeconfigYaml } from '../doubles/kubeconfigFile';
import { echoCluster } from '../support/clusterObjects';
import { eventually, liveBackend, startTestCluster, type TestCluster } from '../support/liveCluster';
import { runCli } from '../support/runCli';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Kubeconfig and connection failures, against the Kubernetes API server DOUBLE (test/doubles).
describe('bad kubeconfigs and unreachable clusters give one clear sentence, and no crash', () => {
  let cluster: TestCluster;
  const file = (name: string, text: string) => {
    const path = join(cluster.dir.path, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: echoCluster() });
  });
  afterAll(async () => {
    await cluster.close();
  });

  /** Starts a backend on `context` of `kubeconfig` and waits for its error status. */
  async function errorOf(kubeconfig: string, context: string): Promise<string> {
    const live = liveBackend(kubeconfig, context);
    await live.backend.start();
    try {
      const status = await eventually(() => (live.status()?.sync === 'error' ? live.status() : undefined), `an error status for ${context}`);
      return status.message!;
    } finally {
      await live.backend.stop();
    }
  }

  it('names the file and line of a kubeconfig that is not YAML', async () => {
    const path = file('broken', 'apiVersion: v1\nkind: Config\nclusters:\n  - name: a\n    cluster: {server: https://x\n');
    expect(() => loadKubeconfig(locateKubeconfig(path))).toThrow(KubeconfigError);
    expect(() => loadKubeconfig(locateKubeconfig(path))).toThrow(new RegExp(`^Kubeconfig ${path} is not valid YAML at line \\d+: `));
    const cli = await runCli(['contexts', '--kubeconfig', path]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(new RegExp(`^strata: Kubeconfig ${path} is not valid YAML at line \\d+: .+\\.\\n$`));
  });

  it('merges KUBECONFIG files as kubectl does: the first definition and current-context win', () => {
    const a = file('a.yaml', kubeconfigYaml({ contexts: [{ name: 'shared', server: 'https://first.example', user: { token: 't' } }], current: 'shared' }));
    const b = file('b.yaml', kubeconfigYaml({ contexts: [{ name: 'shared', server: 'https://second.example', user: { token: 't' } }, { name: 'only-b', server: 'https://b.example', user: { token: 't' } }], current: 'only-b' }));
    const loaded = loadKubeconfig(locateKubeconfig(undefined, { KUBECONFIG: `${a}:${join(cluster.dir.path, 'missing.yaml')}:${b}` }));
    expect(listContexts(loaded).map((c) => [c.name, c.server, c.current])).toEqual([
      ['shared', 'https://first.example', true],
      ['only-b', 'https://b.example', false],
    ]);
    expect(locateKubeconfig('/x/flag', { KUBECONFIG: a }).files).toEqual(['/x/flag']);
    expect(locateKubeconfig(undefined, {}, '/home/u').files).toEqual(['/home/u/.kube/config']);
  });

  it('says which cluster or user a context names that is not there', async () => {
    const text = `apiVersion: v1
kind: Config
clusters: [{name: real, cluster: {server: '${cluster.api.url}'}}]
users: [{name: someone, user: {token: x}}]
contexts:
  - {name: no-cluster, context: {cluster: ghost, user: someone}}
  - {name: no-user, context: {cluster: real, user: nobody}}
current-context: no-cluster
`;
    const path = file('dangling', text);
    expect(await errorOf(path, 'no-cluster')).toBe('Context "no-cluster" names cluster "ghost", which is not in the kubeconfig; add it or fix the context.');
    expect(await errorOf(path, 'no-user')).toBe('Context "no-user" names user "nobody", which is not in the kubeconfig; add it or fix the context.');
    const cli = await runCli(['graph', '--kubeconfig', path, '--context', 'missing']);
    expect(cli).toMatchObject({ code: 1, stderr: `strata: Context "missing" is not in the kubeconfig (${path}); strata contexts lists the ones there are.\n` });
  });

  it('keeps retrying an unreachable server, with the reason in the status', async () => {
    const port = await closedPort();
    const path = file('unreachable', kubeconfigYaml({ contexts: [{ name: 'down', server: `https://127.0.0.1:${port}`, ca: cluster.pki.ca.cert, user: { token: 'x' } }] }));
    const live = liveBackend(path, 'down');
    await live.backend.start();
    try {
      const first = await eventually(() => (live.status()?.sync === 'error' ? live.status()!.updatedAt : undefined), 'an error status');
      expect(live.status()!.message).toBe(`Cannot reach 127.0.0.1:${port}: connection refused; is the cluster up and is this the right context? Retrying.`);
      // Still trying: the status is refreshed by later attempts.
      await eventually(() => live.status()!.updatedAt !== first, 'a retry');
    } finally {
      await live.backend.stop();
    }
    const cli = await runCli(['graph', '--kubeconfig', path, '--timeout', '2']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`did not sync within 2 s: Cannot reach 127.0.0.1:${port}: connection refused`);
  });

  it('tells a server certificate the kubeconfig CA does not trust from a bad client certificate', async () => {
    const wrongCa = file('wrong-ca', kubeconfigYaml({ contexts: [{ name: 'c', server: cluster.api.url, ca: cluster.pki.otherCa.cert, user: { token: 'token-of-jane' } }] }));
    expect(await errorOf(wrongCa, 'c')).toMatch(/^TLS failure talking to 127\.0\.0\.1:\d+: the server's certificate is not signed by the CA that cluster "c" trusts in the kubeconfig \(\w+\); check certificate-authority-data matches this cluster\. Retrying\.$/);

    const alice = await cluster.pki.clientCert('alice');
    const bob = await cluster.pki.clientCert('bob');
    const mismatched = file('mismatched-cert', kubeconfigYaml({ contexts: [{ name: 'c', server: cluster.api.url, ca: cluster.pki.ca.cert, user: { clientCert: { cert: alice.cert, key: bob.key } } }] }));
    expect(await errorOf(mismatched, 'c')).toMatch(/^TLS failure talking to 127\.0\.0\.1:\d+: the server rejected the client certificate of user "c", or the certificate and key do not match/);

    const cli = await runCli(['graph', '--kubeconfig', wrongCa]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^strata: using the current context, c\nstrata: TLS failure talking to .*not signed by the CA/);
  });

  it('names an exec credential plugin that is not installed', async () => {
    const path = file('exec', kubeconfigYaml({ contexts: [{ name: 'eks', server: cluster.api.url, ca: cluster.pki.ca.cert, user: { exec: { command: 'strata-test-no-such-plugin', args: ['eks', 'get-token'] } } }] }));
    expect(await errorOf(path, 'eks')).toBe('The credential plugin "strata-test-no-such-plugin" that user "eks" runs is not installed or not on PATH; install it or fix the user\'s exec command in the kubeconfig. Retrying.');
  });

  it('says an expired or wrong credential was rejected with 401', async () => {
    const path = file('expired', kubeconfigYaml({ contexts: [{ name: 'old', server: cluster.api.url, ca: cluster.pki.ca.cert, user: { token: 'expired-token' } }] }));
    expect(await errorOf(path, 'old')).toBe('The cluster rejected the credentials of user "old" (401 Unauthorized): the token or certificate has expired or is wrong; log in again. Retrying.');
    const cli = await runCli(['graph', '--kubeconfig', path]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('401 Unauthorized');
  });
});

describe('a live context over time, against the Kubernetes API server double', () => {
  it('keeps the picture and says "resyncing" with the reason when the server goes away after sync', async () => {
    const cluster = await startTestCluster({ objects: echoCluster() });
    const live = liveBackend(cluster.kubeconfig, 'alice');
    await live.backend.start();
    try {
      await eventually(() => live.status()?.sync === 'synced', 'sync');
      const pods = live.topology().nodes.filter((n) => n.kind === 'Pod').length;
      await cluster.api.close();
      const status = await eventually(() => (live.status()?.sync === 'resyncing' ? live.status() : undefined), 'resyncing');
      expect(status!.message).toMatch(/^Cannot reach 127\.0\.0\.1:\d+: .+ Retrying; showing what was last seen\.$/);
      expect(live.topology().nodes.filter((n) => n.kind === 'Pod')).toHaveLength(pods);
    } finally {
      await live.backend.stop();
      await cluster.close().catch(() => {});
    }
  });
});

describe('strata contexts and strata graph on a live context (Kubernetes API server double)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ objects: echoCluster() });
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('lists the contexts and marks the current one', async () => {
    const result = await runCli(['contexts', '--kubeconfig', cluster.kubeconfig]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^CURRENT\s+NAME\s+CLUSTER\s+AUTHINFO\s+NAMESPACE$/),
      expect.stringMatching(/^\*\s+alice\s+alice\s+alice$/),
      expect.stringMatching(/^\s+jane\s+jane\s+jane$/),
    ]);
  });

  it('waits for the first full sync and prints the topology in the offline shape', async () => {
    const result = await runCli(['graph', '--kubeconfig', cluster.kubeconfig, '--context', 'jane', '-n', 'wire-demo', '-o', 'json']);
    expect(result.code).toBe(0);
    const topology = JSON.parse(result.stdout) as { nodes: { id: string }[]; edges: { type: string }[] };
    expect(topology.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['Namespace/wire-demo', 'Node/node-1', 'Pod/wire-demo/echo-5dd6d88bc9-1', 'Service/wire-demo/echo']));
    expect(topology.edges.filter((e) => e.type === 'slice-endpoint')).toHaveLength(3);
    expect(result.stderr).toBe('strata: note: Gateway API (gateway.networking.k8s.io/v1) is not installed; Gateways and routes appear as soon as it is.\n');
  });

  it('strata reach judges the live context: wire-demo denies all ingress, so its pods reach only the outside', async () => {
    const result = await runCli(['reach', '--kubeconfig', cluster.kubeconfig, '--context', 'jane', '-n', 'wire-demo']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe([1, 2, 3].map((i) => `wire-demo/echo-5dd6d88bc9-${i}[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections\n`).join(''));
    const explained = await runCli(['reach', '--kubeconfig', cluster.kubeconfig, '--context', 'jane', '-n', 'wire-demo', '--explain', '--from', 'wire-demo/echo-5dd6d88bc9-1', '--to', 'wire-demo/echo', '--port', '80/TCP']);
    expect(explained.stdout).toContain('is isolated for ingress by NetworkPolicy/wire-demo/allow-from-ingress');
    // echo-1 is one of the Service's own backends: it reaches itself (rule 21), not the other two.
    expect(explained.stdout).toContain('egress:  allowed: a pod can always reach itself');
    expect(explained.stdout.match(/^ {2}DENIED /gm)).toHaveLength(2);
    expect(explained.stdout).toContain('Outcome: allowed for some backends only');
  });
});

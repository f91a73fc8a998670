/**
 * The Kubernetes API server double with a synthetic cluster, in its own process, so that the
 * benchmark's heap figures are Strata's alone. Prints one JSON line with the kubeconfig path once
 * it serves, and exits on SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeApiServerDouble } from '../doubles/KubeApiServerDouble';
import { kubeconfigYaml } from '../doubles/kubeconfigFile';
import { makeTestPki } from '../doubles/testPki';
import { SCALE_150K, syntheticCluster, type ClusterSize } from './syntheticCluster';

const size: ClusterSize = process.argv[2] ? (JSON.parse(process.argv[2]) as ClusterSize) : SCALE_150K;
const pki = await makeTestPki();
const api = await KubeApiServerDouble.start({ tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert }, tokens: { 'bench-token': 'bench' }, bookmarkIntervalMs: 5_000 });
api.applyAll(syntheticCluster(size));
const kubeconfig = join(pki.dir, 'kubeconfig');
writeFileSync(kubeconfig, kubeconfigYaml({ contexts: [{ name: 'bench', server: api.url, ca: pki.ca.cert, user: { token: 'bench-token' } }], current: 'bench' }));
process.stdout.write(`${JSON.stringify({ kubeconfig, url: api.url })}\n`);
process.once('SIGTERM', () => {
  void api.close().finally(() => {
    pki.remove();
    process.exit(0);
  });
});

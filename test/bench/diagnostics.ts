import { performance } from 'node:perf_hooks';
import { IncrementalDiagnostics } from '../../src/core/diagnostics/IncrementalDiagnostics';
import { RULES, RULE_IDS } from '../../src/core/diagnostics/rules';
import { stripObject } from '../../src/core/kube/strip';
import type { KubeObject, ObjectChange, Pod } from '../../src/shared/kube';
import { idOf } from '../../src/shared/kube';
import { SCALE_150K, syntheticCluster } from './syntheticCluster';

type Raw = Record<string, unknown>;

/**
 * What a production cluster has besides its apps, so that every family of rules has work: the
 * CNI and kube-proxy, CoreDNS, an Ingress controller, and in every namespace an Ingress and
 * default-deny policies with the allow rules the apps need.
 */
export function* platform(namespaces: number): Generator<Raw> {
  const ds = (name: string, image: string, args: string[] = []): Raw => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system' },
    spec: { selector: { matchLabels: { 'k8s-app': name } }, template: { metadata: { labels: { 'k8s-app': name } }, spec: { containers: [{ name, image, args }] } } },
  });
  yield { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } } };
  yield ds('calico-node', 'calico/node:v3.28.0');
  yield ds('kube-proxy', 'kube-proxy:v1.31.0', ['--proxy-mode=ipvs']);
  yield { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system' }, spec: { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] } };
  for (let i = 0; i < 2; i++) {
    yield { apiVersion: 'v1', kind: 'Pod', metadata: { name: `coredns-${i}`, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, spec: { nodeName: `node-${i}`, containers: [{ name: 'coredns', image: 'coredns:1.11', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] }] }, status: { phase: 'Running', podIPs: [{ ip: `10.255.0.${i + 1}` }], conditions: [{ type: 'Ready', status: 'True' }] } };
    yield { apiVersion: 'v1', kind: 'Pod', metadata: { name: `ingress-nginx-${i}`, namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } }, spec: { nodeName: `node-${i}`, containers: [{ name: 'controller', ports: [{ name: 'http', containerPort: 80 }] }] }, status: { phase: 'Running', podIPs: [{ ip: `10.255.1.${i + 1}` }], conditions: [{ type: 'Ready', status: 'True' }] } };
  }
  yield { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } };
  for (let n = 0; n < namespaces; n++) {
    const namespace = `ns-${n}`;
    yield { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace }, spec: { rules: [{ host: `${namespace}.example`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: `svc-${n}`, port: { number: 80 } } } }] } }] } };
    yield { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    yield {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-apps', namespace },
      spec: {
        podSelector: {},
        ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }] }],
        egress: [{ to: [{ podSelector: {} }] }, { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
      },
    };
  }
}

function time<T>(label: string, run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  console.log(`  ${label.padEnd(52)} ${ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`}`);
  return { result, ms };
}

/** Every rule at 150,000 pods from scratch, then one object changed: only the namespaces it reaches are re-checked. */
export function benchDiagnostics(): void {
  console.log(`\nDiagnostics at scale: ${SCALE_150K.pods} pods, ${SCALE_150K.services} Services, ${SCALE_150K.nodes} nodes, ${SCALE_150K.namespaces} namespaces; ${RULE_IDS.length} rules (${RULES.length} rule × kind pairs)`);
  const objects = [...syntheticCluster(SCALE_150K), ...platform(SCALE_150K.namespaces)].map((r) => stripObject(r)).filter((o): o is KubeObject => !!o);
  let now = Date.parse('2026-11-30T02:13:00Z');
  const diagnostics = new IncrementalDiagnostics({ clock: () => now });
  const scratch = time('all rules from scratch (target ≤ 2 s)', () => diagnostics.update({ objects }));
  const findings = diagnostics.findings();
  console.log(`    ${findings.length} findings (${['error', 'warning', 'info'].map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`).join(', ')}); ${scratch.result.size} namespaces checked`);

  const pod = objects.find((o): o is Pod => o.kind === 'Pod' && o.metadata.namespace === 'ns-7')!;
  const apply = (label: string, change: ObjectChange) => {
    now += 1000;
    const run = time(label, () => diagnostics.apply([change]));
    diagnostics.findings();
    console.log(`    re-checked ${run.result.size} namespace${run.result.size === 1 ? '' : 's'}; ${diagnostics.findings().length} findings`);
    return run.ms;
  };
  const notReady: Pod = { ...pod, status: { ...pod.status, ready: false, notReady: 'container app is waiting: CrashLoopBackOff' } };
  const timings = [
    apply('one pod turns not ready (target ≤ 100 ms)', { type: 'modified', key: idOf(pod), object: notReady }),
    apply('  and Ready again', { type: 'modified', key: idOf(pod), object: pod }),
  ];
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.namespace === 'ns-9')!;
  if (service.kind === 'Service') {
    const typo = { ...service, spec: { ...service.spec, selector: { app: 'typo' } } };
    timings.push(apply('a Service selector typo (one object)', { type: 'modified', key: idOf(service), object: typo }));
  }
  const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'ns-11')!;
  timings.push(apply('a NetworkPolicy deleted (its readers re-checked)', { type: 'deleted', key: idOf(policy), object: policy }));
  console.log(`  ratio: from scratch / one pod change = ${(scratch.ms / timings[0]).toFixed(0)}×`);
}

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube';
import { synthesizeOfflineState } from '../offline/synthesizeOfflineState';
import { deployment, kube, namespace, node, service } from '../testing/manifests';
import { buildTopology } from '../topology/buildTopology';
import { toMermaid } from './toMermaid';

/** What a Markdown renderer needs of a flowchart, checked line by line: its structure, its node ids and its edges. */
function parseFlowchart(text: string) {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('flowchart LR');
  const defined = new Set<string>();
  const edges: [string, string][] = [];
  let depth = 0;
  for (const line of lines.slice(1)) {
    const trimmed = line.trim();
    if (trimmed.startsWith('%%') || trimmed.startsWith('classDef') || trimmed.startsWith('class ')) continue;
    if (/^subgraph \w+\["[^"]*"\]$/.test(trimmed)) depth++;
    else if (trimmed === 'end') depth--;
    else if (/^\w+\["[^"]*"\]$/.test(trimmed)) defined.add(trimmed.slice(0, trimmed.indexOf('[')));
    else {
      const edge = /^(\w+) (-->|-\.->)(?:\|"[^"]*"\|)? (\w+)$/.exec(trimmed);
      if (!edge) throw new Error(`not a flowchart line: ${line}`);
      edges.push([edge[1], edge[3]]);
    }
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  for (const [a, b] of edges) expect(defined.has(a) && defined.has(b), `${a} --> ${b}`).toBe(true);
  return { nodes: defined.size, edges: edges.length };
}

function shop(replicas: number): KubeObject[] {
  const web = kube({ ...deployment('shop', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]), spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', ports: [{ name: 'http', containerPort: 8080 }] }] } } } });
  const ingress = kube({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } });
  const manifests = [namespace('shop'), node('node-a'), web, service('shop', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), ingress];
  return [...synthesizeOfflineState(manifests, { 'Deployment/shop/web': Array.from({ length: replicas }, () => ({ node: 'node-a' })) }).objects];
}

describe('toMermaid', () => {
  it('draws every object in its layer, with the edges between them and their labels, and round-trips the node count', () => {
    const topology = buildTopology({ objects: shop(3) });
    const text = toMermaid(topology);
    const parsed = parseFlowchart(text);
    // Everything but the namespace box, which the layers replace.
    expect(parsed.nodes).toBe(topology.nodes.filter((n) => n.kind !== 'Namespace').length);
    expect(text).toContain('subgraph entry["Entry: Ingress and Gateway"]');
    expect(text).toContain('["Ingress shop/web"]');
    expect(text).toMatch(/\|"shop\.example\/"\|/);
    expect(text).not.toContain('%%');
  });

  it('folds pods into their workloads past the size guard, and says so', () => {
    const topology = buildTopology({ objects: shop(40) });
    const text = toMermaid(topology, 20);
    const parsed = parseFlowchart(text);
    expect(parsed.nodes).toBeLessThanOrEqual(21);
    expect(text).toContain('%% ');
    expect(text).toContain('pods folded into their workloads');
    expect(text).toContain('(40 pods)');
  });

  it('escapes quotes and angle brackets in names', () => {
    const topology = buildTopology({ objects: [kube({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a"b<c>', namespace: 'x' }, spec: { clusterIP: '10.0.0.1', ports: [{ port: 80 }] } })] });
    expect(toMermaid(topology)).toContain('a#quot;b#lt;c#gt;');
  });
});

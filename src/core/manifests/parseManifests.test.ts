import { describe, expect, it } from 'vitest';
import { parseManifests } from './parseManifests';

describe('parseManifests', () => {
  it('reads multi-document YAML and kind: List, stripping what Strata does not use', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  managedFields: [{manager: kubectl}]
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: shop}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: web, env: [{name: TOKEN, value: hunter2}], ports: [{name: http, containerPort: 8080}]}]}
`;
    const { objects, notes } = parseManifests(text, 'shop.yaml');
    expect(notes).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/web', 'Namespace/shop', 'Deployment/web']);
    expect(JSON.stringify(objects)).not.toContain('hunter2');
    expect(JSON.stringify(objects)).not.toContain('managedFields');
  });

  it('reads JSON, including typed lists whose items carry no kind', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p', namespace: 'x' }, spec: { containers: [] } }] });
    expect(parseManifests(text, 'pods.json').objects).toMatchObject([{ kind: 'Pod', metadata: { name: 'p' } }]);
  });

  it('reports broken YAML with file and line, and still loads the other documents', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata: {name: ok}
---
apiVersion: v1
kind: Service
metadata:
  name: broken
  labels: {a: b
---
apiVersion: v1
kind: Namespace
metadata: {name: also-ok}
`;
    const { objects, notes } = parseManifests(text, 'mixed.yaml');
    expect(objects.map((o) => o.metadata.name)).toEqual(['ok', 'also-ok']);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ file: 'mixed.yaml', severity: 'error' });
    expect(notes[0].line).toBeGreaterThanOrEqual(9);
    expect(notes[0].line).toBeLessThanOrEqual(10);
    expect(notes[0].message).toMatch(/^YAML error: /);
  });

  it('skips documents that are not Kubernetes objects, and kinds Strata never reads, with a note', () => {
    const text = `replicaCount: 3
image: {tag: latest}
---
apiVersion: v1
kind: Secret
metadata: {name: db-password}
data: {password: aHVudGVyMg==}
`;
    const { objects, notes } = parseManifests(text, 'values.yaml');
    expect(objects).toEqual([]);
    expect(notes.map((n) => [n.line, n.severity, n.message])).toEqual([
      [1, 'skipped', 'Document is not a Kubernetes object (no apiVersion and kind)'],
      [4, 'skipped', 'Secret db-password is not drawn by Strata'],
    ]);
    expect(JSON.stringify(notes)).not.toContain('aHVudGVyMg');
  });

  it('reports an object without a name as an error naming the kind', () => {
    const { notes } = parseManifests('apiVersion: v1\nkind: Service\nmetadata: {}\n', 'x.yaml');
    expect(notes).toEqual([{ file: 'x.yaml', line: 1, severity: 'error', message: 'Service cannot be read: metadata.name is missing' }]);
  });
});

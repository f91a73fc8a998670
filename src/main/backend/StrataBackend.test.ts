import { afterEach, describe, expect, it } from 'vitest';
import { pod, service } from '../../core/testing/manifests';
import { buildTopology } from '../../core/topology/buildTopology';
import type { SessionStatus } from '../../shared/contract';
import type { KubeObject, ObjectChange } from '../../shared/kube';
import type { SourceUpdate, TopologySource } from '../sources/TopologySource';
import { StrataBackend } from './StrataBackend';

/** A source the test drives by hand, with the changes a live context's watches would report. */
class HandSource implements TopologySource {
  readonly kind = 'manifests';
  readonly label = 'by hand';
  private onUpdate?: (update: SourceUpdate) => void;
  private objects = new Map<string, KubeObject>();

  constructor(private readonly first: KubeObject[]) {}

  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    this.onUpdate = onUpdate;
    for (const o of this.first) this.objects.set(key(o), o);
    onUpdate({ state: { objects: [...this.objects.values()] }, sync: 'loaded', notices: [] });
  }

  async stop(): Promise<void> {}

  change(changes: ObjectChange[], sync: SourceUpdate['sync'] = 'loaded'): void {
    for (const c of changes) {
      if (c.type === 'deleted') this.objects.delete(key(c.object));
      else this.objects.set(key(c.object), c.object);
    }
    this.onUpdate!({ state: { objects: [...this.objects.values()] }, changes, sync, notices: [] });
  }

  state(): KubeObject[] {
    return [...this.objects.values()];
  }
}

const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ids = (topology: { nodes: { id: string }[] }) => topology.nodes.map((n) => n.id).sort();
/** Waits for a condition, polling: the pacing is in real time, and a busy machine stretches it. */
const until = async (check: () => boolean | Promise<boolean>) => {
  for (let waited = 0; !(await check()); waited += 50) {
    if (waited > 60_000) throw new Error('timed out');
    await sleep(50);
  }
};

describe('StrataBackend revisions', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  async function started(objects: KubeObject[]) {
    const source = new HandSource(objects);
    const backend = new StrataBackend(source);
    const events: { name: string; revision?: number; status?: SessionStatus }[] = [];
    backend.subscribe((name, payload) => events.push(name === 'topology.changed' ? { name, revision: (payload as { revision: number }).revision } : { name, status: payload as SessionStatus }));
    await backend.start();
    stops.push(() => backend.stop());
    return { source, backend, events, revisions: () => events.filter((e) => e.name === 'topology.changed').length };
  }

  it('draws a burst of source updates as a few revisions, with every change of the burst applied', async () => {
    const web = service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    const { source, backend, revisions } = await started([web]);
    await until(() => revisions() > 0);
    const before = revisions();
    for (let i = 0; i < 30; i++) {
      source.change([{ type: 'added', key: '', object: pod('shop', `web-${i}`, { ip: `10.0.0.${i + 1}`, labels: { app: 'web' } }) }]);
      if (i % 3 === 0) source.change([{ type: 'deleted', key: '', object: pod('shop', `web-${i}`) }]);
      await sleep(10);
    }
    // Every change of the burst is drawn in the end, in far fewer revisions than updates (one per 250 ms or more).
    const want = ids(buildTopology({ objects: source.state() }));
    await until(async () => JSON.stringify(ids((await backend.handlers['topology.get']({})).topology)) === JSON.stringify(want));
    expect(revisions() - before).toBeGreaterThanOrEqual(1);
    expect(revisions() - before).toBeLessThanOrEqual(10);
  });

  it('sends the status with the revision it describes: a waiting revision holds its status back', async () => {
    const { source, backend, events } = await started([]);
    // Right after a revision, the next update waits for the interval to end.
    source.change([{ type: 'added', key: '', object: pod('shop', 'a', { ip: '10.0.0.1' }) }]);
    const mark = events.length;
    source.change([{ type: 'added', key: '', object: pod('shop', 'b', { ip: '10.0.0.2' }) }], 'error');
    expect(events.slice(mark)).toEqual([]);
    await until(() => events.slice(mark).some((e) => e.name === 'session.changed'));
    const sent = events.slice(mark);
    expect(sent.map((e) => e.name)).toEqual(['topology.changed', 'session.changed']);
    const { topology, revision } = await backend.handlers['topology.get']({});
    // It names that revision, so that a client can tell whether the view it draws is of it.
    expect(sent[0].revision).toBe(revision);
    expect(sent[1].status).toMatchObject({ sync: 'error', counts: { objects: 2, nodes: topology.nodes.length }, revision });
  });

  it('keeps the session and its last picture when a state cannot be drawn, says so, and draws the next state whole', async () => {
    const { source, backend, events } = await started([pod('shop', 'a', { ip: '10.0.0.1' })]);
    await until(async () => ids((await backend.handlers['topology.get']({})).topology).includes('Pod/shop/a'));
    const before = (await backend.handlers['topology.get']({})).revision;
    // An object the topology code cannot read: every read of its spec throws.
    const broken = pod('shop', 'broken', { ip: '10.0.0.2' });
    Object.defineProperty(broken, 'spec', {
      enumerable: true,
      get() {
        throw new Error('spec cannot be read');
      },
    });
    source.change([{ type: 'added', key: '', object: broken }]);
    const failure = () => events.find((e) => e.status?.notices.some((n) => n.severity === 'error' && n.message.includes('spec cannot be read')));
    await until(() => failure() !== undefined);
    expect(failure()!.status!.notices[0].message).toMatch(/^The latest cluster state could not be drawn \(spec cannot be read\); the picture shows the state before it/);
    const kept = await backend.handlers['topology.get']({});
    expect(kept.revision).toBe(before);
    expect(ids(kept.topology)).toContain('Pod/shop/a');

    // The broken object goes and another comes: the whole state is drawn, and the notice is gone.
    source.change([{ type: 'deleted', key: '', object: pod('shop', 'broken') }, { type: 'added', key: '', object: pod('shop', 'c', { ip: '10.0.0.3' }) }]);
    await until(async () => ids((await backend.handlers['topology.get']({})).topology).includes('Pod/shop/c'));
    expect(ids((await backend.handlers['topology.get']({})).topology)).toEqual(ids(buildTopology({ objects: source.state() })));
    await until(() => (events.at(-1)?.status?.notices ?? []).every((n) => n.severity !== 'error') && events.at(-1)?.name === 'session.changed');
  });

  it('draws the findings of a whole state as a revision of their own, and those of a few changes with the revision that draws the changes', async () => {
    const web = service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    const { source, backend, revisions } = await started([web]);
    const drawn = async () => (await backend.handlers['topology.get']({})).topology;
    const findingsOfWeb = async () => (await drawn()).nodes.find((n) => n.id === 'Service/shop/web')?.findings ?? [];

    await until(async () => (await findingsOfWeb()).some((f) => f.rule === 'svc.selector.no-pods'));
    // The first state was drawn without findings, then again with them.
    expect(revisions()).toBeGreaterThanOrEqual(2);
    source.change([{ type: 'added', key: '', object: pod('shop', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' } }) }]);
    let drawnNow = await drawn();
    await until(async () => (drawnNow = await drawn()).nodes.some((n) => n.id === 'Pod/shop/web-1'));
    // The revision that draws the pod has lost the finding the pod answers: no later revision is needed for it.
    expect(drawnNow.nodes.find((n) => n.id === 'Service/shop/web')?.findings?.some((f) => f.rule === 'svc.selector.no-pods')).toBe(false);
  });

  it("counts the findings that are errors or warnings in the status, without the whole report, and follows them", async () => {
    const web = service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    const { source, backend, events } = await started([web]);
    const problemsNow = async () => (await backend.handlers['diagnostics.get']({})).findings.filter((f) => f.severity !== 'info').length;
    const lastStatus = () => events.filter((e) => e.status).at(-1)?.status;

    await until(() => (lastStatus()?.problems ?? 0) > 0);
    expect(lastStatus()!.problems).toBe(await problemsNow());
    const before = lastStatus()!.problems!;
    source.change([{ type: 'added', key: '', object: pod('shop', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' } }) }]);
    await until(() => lastStatus()!.problems! < before);
    expect(lastStatus()!.problems).toBe(await problemsNow());
    expect((await backend.handlers['session.get']({})).problems).toBe(lastStatus()!.problems);
  });
});

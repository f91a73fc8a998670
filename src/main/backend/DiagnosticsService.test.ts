import { afterEach, describe, expect, it, vi } from 'vitest';
import { namespace, networkPolicy, pod, service } from '../../core/testing/manifests';
import type { KubeObject, ObjectChange } from '../../shared/kube';
import type { Topology } from '../../shared/model';
import { DiagnosticsService } from './DiagnosticsService';

const web = service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
const added = (object: KubeObject): ObjectChange => ({ type: 'added', key: '', object });

describe('DiagnosticsService', () => {
  const services: DiagnosticsService[] = [];
  afterEach(() => {
    for (const service of services.splice(0)) service.stop();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  /** A service that has judged `objects` as a whole state, on fake timers; `changed` hears of news. */
  function judged(objects: KubeObject[], changed = () => {}): DiagnosticsService {
    vi.useFakeTimers();
    const diagnostics = new DiagnosticsService(changed);
    services.push(diagnostics);
    diagnostics.drawn({ objects }, undefined, undefined);
    expect(diagnostics.problemCount()).toBeUndefined();
    vi.advanceTimersByTime(1_000);
    return diagnostics;
  }

  /**
   * A service on fake timers whose clock moves 10 ms each time it is read, so that a step (25 ms)
   * checks a few namespaces whatever the machine, and `count` namespaces that each have a Service
   * selecting no pod (one finding each).
   */
  function steppedOver(count: number) {
    vi.useFakeTimers();
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 10));
    const changed = vi.fn();
    const diagnostics = new DiagnosticsService(changed);
    services.push(diagnostics);
    const names = Array.from({ length: count }, (_, i) => `team-${i}`);
    const objects = names.flatMap((ns) => [namespace(ns), service(ns, 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] })]);
    return { diagnostics, changed, names, objects };
  }

  it('takes a first list of 200,000 changes while judging is pending (more than a call takes arguments)', () => {
    const diagnostics = new DiagnosticsService(() => {});
    services.push(diagnostics);
    const changes: ObjectChange[] = Array.from({ length: 200_000 }, () => ({ type: 'added', key: '', object: pod('shop', 'a') }));
    diagnostics.drawn({ objects: [] }, [], undefined);
    diagnostics.findings();
    expect(() => diagnostics.drawn({ objects: [] }, changes, undefined)).not.toThrow();
  });

  it('judges a few changes inside their namespaces as they are drawn, and changes that reach every namespace later', () => {
    const diagnostics = judged([namespace('shop'), web]);
    const problems = diagnostics.problemCount()!;
    expect(problems).toBeGreaterThan(0);
    // A pod the Service selects: judged at once, its finding gone before anything else runs.
    const backend = pod('shop', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' } });
    diagnostics.drawn({ objects: [namespace('shop'), web, backend] }, [added(backend)], undefined);
    expect(diagnostics.problemCount()).toBeLessThan(problems);
    const after = diagnostics.problemCount();
    // A policy can change a verdict in any namespace: it waits for the timer, whatever it says.
    const policy = networkPolicy('shop', 'allow-prom', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }] }] });
    diagnostics.drawn({ objects: [namespace('shop'), web, backend, policy] }, [added(policy)], undefined);
    expect(diagnostics.problemCount()).toBe(after);
    vi.advanceTimersByTime(1_000);
    expect(diagnostics.problemCount()).toBeGreaterThan(after!);
  });

  it('tells of a judgement only when its findings say something new, not when a change leaves them as they were', () => {
    const changed = vi.fn();
    const diagnostics = judged([namespace('shop'), web], changed);
    expect(changed).toHaveBeenCalledTimes(1);
    const first = diagnostics.findings();
    // A Namespace's labels may reach any namespace, so they are judged on the timer: a new list, saying the same.
    const labelled = namespace('shop', { team: 'checkout' });
    diagnostics.drawn({ objects: [labelled, web] }, [{ type: 'modified', key: '', object: labelled }], undefined);
    vi.advanceTimersByTime(1_000);
    const second = diagnostics.findings();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(changed).toHaveBeenCalledTimes(1);
    // A policy that selects no pod says something new.
    const deny = networkPolicy('shop', 'deny', { podSelector: { matchLabels: { app: 'carts' } }, policyTypes: ['Ingress'] });
    diagnostics.drawn({ objects: [labelled, web, deny] }, [added(deny)], undefined);
    vi.advanceTimersByTime(1_000);
    expect(diagnostics.findings()).not.toEqual(first);
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('gives a node whose findings did not change the same copy in the next topology, and a new one to a node rebuilt or whose findings changed', () => {
    const { diagnostics, names, objects } = steppedOver(3);
    diagnostics.drawn({ objects }, undefined, undefined);
    vi.advanceTimersByTime(1_000);
    const services = names.map((ns) => ({ id: `Service/${ns}/web`, kind: 'Service', name: 'web', namespace: ns, problems: [], facts: {} }) as unknown as Topology['nodes'][number]);
    const first = diagnostics.withFindings({ nodes: services, edges: [] });
    expect(first.nodes.every((n) => n.findings?.length)).toBe(true);
    // The next revision: the same nodes but one, rebuilt; the findings the same.
    const rebuilt = { ...services[1] };
    const next = diagnostics.withFindings({ nodes: [services[0], rebuilt, services[2]], edges: [] });
    expect(next.nodes[0]).toBe(first.nodes[0]);
    expect(next.nodes[2]).toBe(first.nodes[2]);
    expect(next.nodes[1]).not.toBe(first.nodes[1]);
    expect(next.nodes[1]).toEqual(first.nodes[1]);
    // A pod for team-2's Service, not Ready, changes what is said about it: a new copy with the new findings.
    const backend = pod('team-2', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' }, ready: false });
    diagnostics.drawn({ objects: [...objects, backend] }, [added(backend)], undefined);
    vi.advanceTimersByTime(1_000);
    const after = diagnostics.withFindings({ nodes: [services[0], rebuilt, services[2]], edges: [] });
    expect(after.nodes[0]).toBe(first.nodes[0]);
    expect(after.nodes[2]).not.toBe(first.nodes[2]);
    expect(after.nodes[2].findings?.length).toBeGreaterThan(0);
    expect(after.nodes[2].findings).not.toEqual(first.nodes[2].findings);
    // A node with no findings now is itself.
    const without = diagnostics.withFindings({ nodes: [services[0], { ...services[2], id: 'Service/elsewhere/web' }], edges: [] });
    expect(without.nodes[0]).toBe(first.nodes[0]);
    expect(without.nodes[1].findings).toBeUndefined();
  });

  it('puts each finding on its node wherever the next revision moved it, rebuilt parts before it grown or shrunk, and finds a node that had none before', () => {
    const { diagnostics, names, objects } = steppedOver(4);
    diagnostics.drawn({ objects }, undefined, undefined);
    vi.advanceTimersByTime(1_000);
    const node = (id: string) => ({ id, kind: id.split('/')[0], name: id.split('/')[2], namespace: id.split('/')[1], problems: [], facts: {} }) as unknown as Topology['nodes'][number];
    const part = (ns: string, pods: number) => [...Array.from({ length: pods }, (_, i) => node(`Pod/${ns}/p-${i}`)), node(`Service/${ns}/api`), node(`Service/${ns}/web`)];
    const parts = new Map(names.map((ns) => [ns, part(ns, 2)]));
    const topology = (): Topology => ({ nodes: [...parts.values()].flat(), edges: [] });
    // The nodes that should carry findings, in order: those the findings are about.
    const expected = (t: Topology) => {
      const subjects = new Set(diagnostics.findings().map((f) => f.objects[0]));
      return t.nodes.filter((n) => subjects.has(n.id)).map((n) => n.id);
    };
    const carried = (t: Topology) => t.nodes.filter((n) => n.findings?.length).map((n) => n.id);
    const first = diagnostics.withFindings(topology());
    expect(carried(first)).toEqual(names.map((ns) => `Service/${ns}/web`));
    // team-0 rebuilt with more pods, team-2 with fewer: the Services after them moved.
    parts.set('team-0', part('team-0', 5));
    parts.set('team-2', part('team-2', 0));
    const moved = diagnostics.withFindings(topology());
    expect(carried(moved)).toEqual(expected(moved));
    expect(moved.nodes.find((n) => n.id === 'Service/team-3/web')).toBe(first.nodes.find((n) => n.id === 'Service/team-3/web'));
    // team-1's api Service, drawn since the first revision, now selects no pod either: found though its part was not rebuilt.
    const api = service('team-1', 'api', { selector: { app: 'api' }, ports: [{ port: 80 }] });
    diagnostics.drawn({ objects: [...objects, api] }, [added(api)], undefined);
    vi.advanceTimersByTime(1_000);
    const found = diagnostics.withFindings(topology());
    expect(carried(found)).toEqual(expected(found));
    expect(carried(found)).toContain('Service/team-1/api');
    // team-3 rebuilt without its web Service: its findings are on no node.
    parts.set('team-3', part('team-3', 2).filter((n) => n.id !== 'Service/team-3/web'));
    const gone = diagnostics.withFindings(topology());
    expect(carried(gone)).toEqual(expected(gone));
    expect(carried(gone)).not.toContain('Service/team-3/web');
  });

  it('judges a whole state a few namespaces at a time, taking in what is drawn meanwhile, and says so once at the end', () => {
    const { diagnostics, changed, names, objects } = steppedOver(40);
    diagnostics.drawn({ objects }, undefined, undefined);
    const topology = { nodes: names.map((ns) => ({ id: `Service/${ns}/web`, kind: 'Service', name: 'web', namespace: ns, problems: [], facts: {} })), edges: [] } as unknown as Topology;
    const flagged = () => diagnostics.withFindings(topology).nodes.filter((n) => n.findings?.length).length;
    vi.advanceTimersByTime(100);
    // The first step checked some namespaces; the picture may draw their findings, the status waits for all.
    expect(flagged()).toBeGreaterThan(0);
    expect(flagged()).toBeLessThan(names.length);
    expect(diagnostics.problemCount()).toBeUndefined();
    expect(changed).not.toHaveBeenCalled();
    // A pod for one Service, drawn between steps: taken in by the next step, not judged at once with everything left.
    const backend = pod('team-39', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' } });
    diagnostics.drawn({ objects: [...objects, backend] }, [added(backend)], undefined);
    expect(flagged()).toBeLessThan(names.length);
    vi.advanceTimersByTime(1_000);
    expect(changed).toHaveBeenCalledTimes(1);
    expect(flagged()).toBe(names.length);
    const noPods = diagnostics.findings().filter((f) => f.rule === 'svc.selector.no-pods');
    expect(noPods.map((f) => f.objects[0])).not.toContain('Service/team-39/web');
    expect(noPods).toHaveLength(names.length - 1);
  });

  it('says what a long judgement in steps has found so far, every couple of seconds, before its end', () => {
    // A few namespaces checked per step: more than 2 s of steps on this clock.
    const { diagnostics, changed, objects } = steppedOver(400);
    diagnostics.drawn({ objects }, undefined, undefined);
    const counts: (number | undefined)[] = [];
    changed.mockImplementation(() => counts.push(diagnostics.problemCount()));
    vi.advanceTimersByTime(10_000);
    // Some news before the end, with fewer problems than at the end, and the end's own.
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBeLessThan(counts.at(-1)!);
    expect(counts.at(-1)).toBe(diagnostics.findings().filter((f) => f.severity !== 'info').length);
  });

  it('keeps drawing when a rule fails on a change: the failure is logged, the findings stay those judged before', () => {
    const diagnostics = judged([namespace('shop'), web]);
    const before = diagnostics.problemCount();
    expect(before).toBeGreaterThan(0);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    // An object no rule can read: every read of its spec throws.
    const broken = pod('shop', 'broken', { ip: '10.0.0.2' });
    Object.defineProperty(broken, 'spec', {
      enumerable: true,
      get() {
        throw new Error('spec cannot be read');
      },
    });
    expect(() => diagnostics.drawn({ objects: [namespace('shop'), web, broken] }, [added(broken)], undefined)).not.toThrow();
    expect(logged).toHaveBeenCalledWith('strata: judging the findings failed:', expect.objectContaining({ message: 'spec cannot be read' }));
    expect(diagnostics.problemCount()).toBe(before);
  });
});

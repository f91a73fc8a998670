import cytoscape, { type CollectionReturnValue, type Core } from 'cytoscape';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dirtyStyleCacheDirectly, drawAfterNextFrame, drewInFrame, installFastPaths, zDepthDirectly } from './cytoscapeFastPaths';

type Dirty = (this: CollectionReturnValue) => CollectionReturnValue;
type ZDepth = (this: CollectionReturnValue) => number | undefined;

/** A namespace box holding a workload box holding pods (one holding a container holding a process), another namespace, nodes on their own, and edges between all of them: between boxes, and loops too. */
function compoundGraph(): Core {
  return cytoscape({
    headless: true,
    elements: [
      { data: { id: 'ns-a' } },
      { data: { id: 'ns-b' } },
      { data: { id: 'workload', parent: 'ns-a' } },
      { data: { id: 'pod-1', parent: 'workload' } },
      { data: { id: 'pod-2', parent: 'workload' } },
      { data: { id: 'container', parent: 'pod-1' } },
      { data: { id: 'process', parent: 'container' } },
      { data: { id: 'service', parent: 'ns-a' } },
      { data: { id: 'other', parent: 'ns-b' } },
      { data: { id: 'node-1' } },
      { data: { id: 'node-2' } },
      { data: { id: 'routes-1', source: 'service', target: 'pod-1' } },
      { data: { id: 'routes-2', source: 'service', target: 'pod-2' } },
      { data: { id: 'runs-on', source: 'pod-1', target: 'node-1' } },
      { data: { id: 'across', source: 'other', target: 'workload' } },
      { data: { id: 'to-box', source: 'node-2', target: 'ns-b' } },
      { data: { id: 'loose', source: 'node-1', target: 'node-2' } },
      { data: { id: 'listens', source: 'container', target: 'node-2' } },
      { data: { id: 'loop', source: 'pod-2', target: 'pod-2' } },
      { data: { id: 'between-boxes', source: 'workload', target: 'ns-b' } },
      { data: { id: 'box-loop', source: 'container', target: 'container' } },
    ],
  });
}

/** A flat graph: no compound nodes (Cytoscape's own takes another path then). */
function flatGraph(): Core {
  return cytoscape({
    headless: true,
    elements: [{ data: { id: 'a' } }, { data: { id: 'b' } }, { data: { id: 'c' } }, { data: { id: 'ab', source: 'a', target: 'b' } }, { data: { id: 'bc', source: 'b', target: 'c' } }],
  });
}

/** The ids whose style cache `dirty` clears when called on `of`, among the graph's and `removed`, every cache filled first. */
function cleared(core: Core, of: CollectionReturnValue, dirty: Dirty, removed = core.collection()): string[] {
  const filled = { filled: true };
  const watched = core.elements().union(removed);
  watched.forEach((element) => {
    (element as unknown as { _private: { styleCache: unknown } })._private.styleCache = filled;
  });
  dirty.call(of);
  return watched
    .filter((element) => (element as unknown as { _private: { styleCache: unknown } })._private.styleCache === null)
    .map((element) => element.id())
    .sort();
}

// Cytoscape's own, taken as the fast paths go in: every collection uses the fast paths from here on.
const cytoscapes = installFastPaths(compoundGraph()) as unknown as { dirtyStyleCache: Dirty; zDepth: ZDepth };

describe('dirtyStyleCacheDirectly', () => {
  const own = cytoscapes.dirtyStyleCache;
  const direct = dirtyStyleCacheDirectly as unknown as Dirty;

  it("clears the same caches as Cytoscape's own, for every element and for collections of several", () => {
    expect(own).not.toBe(direct);
    for (const make of [compoundGraph, flatGraph]) {
      const core = make();
      // Each element, and collections of several: made as collections, as Cytoscape's own callers do.
      const collectionOf = (elements: cytoscape.CollectionArgument) => core.collection().union(elements);
      const collections = core.elements().map((element) => collectionOf(element));
      collections.push(collectionOf(core.nodes()), collectionOf(core.edges()), collectionOf(core.elements()), core.collection());
      if (make === compoundGraph) collections.push(collectionOf(core.$('#pod-1, #service, #to-box')));
      for (const of of collections) {
        const theirs = cleared(core, of, own);
        expect(cleared(core, of, direct), `${make.name}: ${of.map((element) => element.id()).join(', ')}`).toEqual(theirs);
        if (of.length === 1) expect(theirs).toContain(of[0].id());
      }
    }
  });

  it('follows what was moved and removed since the graph was made, for the removed elements too, until it is flat', () => {
    const core = compoundGraph();
    const removed = core.collection();
    const compare = (ids: string[]) => {
      for (const id of ids) {
        const of = core.collection().union(core.getElementById(id).nonempty() ? core.getElementById(id) : removed.getElementById(id));
        expect(cleared(core, of, direct, removed), id).toEqual(cleared(core, of, own, removed));
      }
    };
    core.getElementById('pod-2').move({ parent: 'ns-b' });
    removed.merge(core.getElementById('routes-1').remove()).merge(core.getElementById('service').remove());
    compare(['pod-1', 'pod-2', 'container', 'ns-a', 'ns-b', 'workload', 'routes-1', 'service']);
    // The last boxes gone: no compound node is left, and Cytoscape's own takes its other path.
    removed.merge(core.getElementById('ns-a').remove()).merge(core.getElementById('ns-b').remove());
    expect(core.nodes().filter((node) => node.isParent() || node.isChild()).length).toBe(0);
    compare(['node-1', 'node-2', 'to-box', 'ns-a', 'pod-1', 'loose']);
  });
});

describe('zDepthDirectly', () => {
  const own = cytoscapes.zDepth;
  const direct = zDepthDirectly as unknown as ZDepth;
  /** Each element's depth, then each collection's (of several, whose first element counts), by `zDepth`. */
  const depths = (core: Core, zDepth: ZDepth, removed = core.collection()) => {
    const elements = core.elements().union(removed);
    const collections = elements.map((element) => core.collection().union(element));
    collections.push(core.collection(), core.collection().union(elements), core.collection().union(elements.toArray().reverse()));
    return collections.map((of) => zDepth.call(of));
  };

  it("gives every element and collection the depth Cytoscape's own gives, boxes by how deep they are, in flat and compound graphs", () => {
    expect(own).not.toBe(direct);
    for (const make of [compoundGraph, flatGraph]) {
      const core = make();
      expect(depths(core, direct), make.name).toEqual(depths(core, own));
    }
    // Boxes at depths 0 to 3, and childless nodes on top: edges between boxes and loops on them take their box's.
    expect(new Set(depths(compoundGraph(), direct))).toEqual(new Set([0, 1, 2, 3, Number.MAX_SAFE_INTEGER - 1, undefined]));
  });

  it('follows what was moved and removed since the graph was made, for the removed elements too', () => {
    const core = compoundGraph();
    core.getElementById('pod-2').move({ parent: 'ns-b' });
    core.getElementById('container').move({ parent: 'ns-b' });
    expect(depths(core, direct)).toEqual(depths(core, own));
    const removed = core.getElementById('workload').remove();
    expect(depths(core, direct, removed)).toEqual(depths(core, own, removed));
  });
});

it('the fast paths are what every collection uses once put in place', () => {
  const elements = flatGraph().elements() as unknown as { dirtyStyleCache: Dirty; zDepth: ZDepth };
  expect(elements.dirtyStyleCache).toBe(dirtyStyleCacheDirectly);
  expect(elements.zDepth).toBe(zDepthDirectly);
});

describe('drawAfterNextFrame and drewInFrame', () => {
  afterEach(() => vi.restoreAllMocks());
  /**
   * A core whose renderer is what the render loop reads and writes, on a clock set by the test: a
   * tick draws when a drawing was asked (`requested`) and no skip was, and spends the skip either way.
   */
  function loop() {
    const callbacks: ((willDraw: boolean, frameStart: number) => void)[] = [];
    const renderer = { skipFrame: false, lastDrawTime: 0, beforeRender: (callback: (willDraw: boolean, frameStart: number) => void) => callbacks.push(callback) };
    const core = { renderer: () => renderer } as unknown as Core;
    const clock = { now: 1_000, requested: true };
    vi.spyOn(performance, 'now').mockImplementation(() => clock.now);
    const tick = () => {
      const willDraw = clock.requested && !renderer.skipFrame;
      for (const callback of callbacks) callback(willDraw, clock.now);
      if (willDraw) {
        renderer.lastDrawTime = clock.now;
        clock.requested = false;
      }
      renderer.skipFrame = false;
    };
    return { renderer, core, clock, tick, pacing: { skippedAt: -Infinity } };
  }

  it('skips one frame after a change, and again for a change soon after once Cytoscape has drawn the first', () => {
    const { renderer, core, clock, tick, pacing } = loop();
    drawAfterNextFrame(core, pacing);
    expect(renderer.skipFrame).toBe(true);
    clock.now += 16;
    tick(); // skipped
    expect(renderer.lastDrawTime).toBe(0);
    clock.now += 16;
    tick(); // drawn
    // Labels placed and drawn, then a view 37 ms after them: skipped as well.
    clock.now += 5;
    clock.requested = true;
    drawAfterNextFrame(core, pacing);
    expect(renderer.skipFrame).toBe(true);
  });

  it('refuses a skip while Cytoscape has not drawn since the last: the change is drawn, and the next skip allowed', () => {
    const { renderer, core, clock, tick, pacing } = loop();
    drawAfterNextFrame(core, pacing);
    clock.now += 16;
    tick(); // skipped, nothing drawn since
    clock.now += 100;
    drawAfterNextFrame(core, pacing);
    expect(renderer.skipFrame).toBe(false);
    clock.now += 16;
    tick(); // drawn
    drawAfterNextFrame(core, pacing);
    expect(renderer.skipFrame).toBe(true);
  });

  it('a skip asked with nothing to draw is spent, refuses the next, and that change is drawn at once', () => {
    const { renderer, core, clock, tick, pacing } = loop();
    clock.requested = false;
    drawAfterNextFrame(core, pacing);
    clock.now += 16;
    tick(); // nothing to draw: the skip is spent
    clock.now += 16;
    tick();
    clock.requested = true;
    drawAfterNextFrame(core, pacing);
    expect(renderer.skipFrame).toBe(false);
    clock.now += 16;
    tick();
    expect(renderer.lastDrawTime).toBe(clock.now);
  });

  it('tells the frames Cytoscape drew in by their timestamp, and not those it skipped or had nothing to draw in', () => {
    const { core, clock, tick, pacing } = loop();
    const drewIn = drewInFrame(core);
    drawAfterNextFrame(core, pacing);
    clock.now += 16;
    tick(); // skipped
    expect(drewIn(clock.now)).toBe(false);
    clock.now += 16;
    tick(); // drawn
    expect(drewIn(clock.now)).toBe(true);
    const drawnAt = clock.now;
    clock.now += 16;
    tick(); // nothing to draw
    expect(drewIn(clock.now)).toBe(false);
    expect(drewIn(drawnAt)).toBe(true);
  });
});

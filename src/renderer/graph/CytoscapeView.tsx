import cytoscape, { type Core, type EdgeSingular, type ElementDefinition, type NodeSingular } from 'cytoscape';
import { useEffect, useRef, useState } from 'react';
import type { GraphElement } from '../../core/view/toElements';
import type { Camera } from '../../shared/savedView';
import type { GraphExports } from './exportPicture';
import { graphPng } from './tiledPng';
import { cameraIsAt, cameraOf, FIT_PADDING, fitToCanvas, fitZoomFor } from './camera';
import type { GraphHooks } from './graphHooks';
import { moveKeyboardFocus } from './keyboardFocus';
import { labelScaleFor, labelsOnScreen, placeGraphLabels } from './labels';
import { pickOnPress } from './picking';
import { drawAfterNextFrame, drewInFrame, installFastPaths } from './cytoscapeFastPaths';
import { watchDrawing } from '../frameUpdates';
import { chooseRenderer, desynchronizeDrawnLayers } from './renderers';
import { graphStyles, type Theme } from './styles';

export interface Selection {
  group: 'nodes' | 'edges';
  id: string;
}

/** The camera, driven from the keyboard in presenter mode. */
export interface GraphControls {
  panBy(dx: number, dy: number): void;
  zoomBy(factor: number): void;
  fit(): void;
}

/** What the hooks report besides the elements themselves, and the actions they offer. */
export interface ViewHooks {
  info: () => { revision: number; level: string; sync: string; statusRevision: number };
  toggle: (id: string, open: boolean) => void;
}

interface Props {
  elements: readonly GraphElement[];
  theme: Theme;
  selected: Selection | null;
  onSelect: (selection: Selection | null) => void;
  /** A double-click on an aggregate: open it if folded, fold it if open. */
  onToggle: (id: string) => void;
  /** Changes when the view should fit what it shows: a new source, a filter change, a re-layout. */
  fitKey: string;
  /** False while the layout of the current elements is still being computed. */
  ready: boolean;
  /** An element to bring into view (a search result); `seq` changes for each request. */
  focus: { id: string; seq: number } | null;
  hooks: ViewHooks;
  /** Filled in with the picture's exports while the graph exists. */
  exportsRef?: { current: GraphExports | null };
  /** Filled in with the camera's controls while the graph exists. */
  controlsRef?: { current: GraphControls | null };
  /** Presenter mode's font scale (1, 1.5, 2), applied through the stylesheet on top of the zoom's. */
  fontScale?: number;
  /** Presenter mode's walk: these elements are lit and brought into view, the rest dimmed; null for none. */
  spotlight?: readonly string[] | null;
  /** Whether the arrow keys move a focus through the nodes while the graph has the keyboard (not while presenting). */
  keyboard?: boolean;
  /** A saved view's camera: taken (animated or not) once the picture is drawn, instead of fitting it; `seq` changes for each. */
  camera?: (Camera & { seq: number; animate: boolean }) | null;
}

/** Namespaces, then workloads, then other nodes, then edges: each refers only to what came before. */
function addOrder(element: ElementDefinition): number {
  if (element.group === 'edges') return 3;
  return element.data.kind === 'Namespace' || element.data.kind === 'Nodes' ? 0 : element.data.kind === 'Workload' ? 1 : 2;
}

/** Classes the view sets on its own and an update of the element must not wipe. */
const KEPT_CLASSES = ['label-hidden', 'kbd-focus'];

/** The height presenter mode's caption takes at the bottom of the screen. */
const SPOTLIGHT_CAPTION_PX = 240;

/** Cytoscape's selection made the page's: that element alone, or none. */
function showSelection(core: Core, selection: Selection | null): void {
  core.elements(':selected').unselect();
  if (selection) core.getElementById(selection.id).select();
}

/**
 * The graph canvas. It applies changes to the elements it already has (add, remove, update in
 * place) rather than rebuilding, so live updates don't reset zoom, pan or positions.
 */
export function CytoscapeView({ elements, theme, selected, onSelect, onToggle, fitKey, ready, focus, hooks, exportsRef, controlsRef, fontScale = 1, spotlight = null, camera = null, keyboard = true }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const fittedFor = useRef<string | null>(null);
  const takenCamera = useRef(-1);
  /** Where the last fit left the camera: while it is still there, the user has not moved it, and a resize fits again. */
  const fittedCamera = useRef<Camera | null>(null);
  /** The elements drawn now, for a fit when the canvas changes size. */
  const drawnElements = useRef(elements);
  const painted = useRef(0);
  const pacing = useRef({ skippedAt: -Infinity });
  /** What each drawn element was last given: an element whose data, classes and place are unchanged is left alone. */
  const applied = useRef(new Map<string, string>());
  const callbacks = useRef({ onSelect, onToggle, hooks });
  /** The selection as the page has it: what Cytoscape selects on its own when tapped is put back to it. */
  const selectedRef = useRef(selected);
  const themeRef = useRef(theme);
  const fontScaleRef = useRef(fontScale);
  /** The label scale the stylesheet was made for, and the work of placing labels once the view settles. */
  const labels = useRef({ scale: 1, timer: 0, placed: 0, lastMs: 0, frozen: false, schedule: (_moved: boolean) => {}, placeNow: () => {}, rescale: (_zoom: number): boolean => false });
  useEffect(() => {
    callbacks.current = { onSelect, onToggle, hooks };
  }, [onSelect, onToggle, hooks]);

  useEffect(() => {
    const { renderer, withoutGpu } = chooseRenderer();
    const webgl = renderer === 'webgl';
    const core = cytoscape({
      container: container.current,
      style: graphStyles(theme),
      layout: { name: 'preset' },
      minZoom: 0.02,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: false,
      // Settings from Cytoscape's WebGL notes: bigger atlases and batches mean fewer draw calls.
      webgl,
      webglTexSize: 4096,
      webglTexRows: 24,
      webglBatchSize: 4096,
      webglTexPerBatch: 16,
      // The 2D canvas keeps panning smooth on big pictures by drawing a snapshot while moving.
      textureOnViewport: !webgl,
    });
    // Without a GPU, the 2D canvas's drawn layers reach the screen apart from the page's frames (see renderers.ts).
    if (!webgl && withoutGpu) desynchronizeDrawnLayers(core);
    // Two of Cytoscape's internals without the collections its own build (see cytoscapeFastPaths.ts).
    installFastPaths(core);
    // Backend updates wait a frame when Cytoscape has drawn in theirs (see frameUpdates.ts).
    const stopWatching = watchDrawing(drewInFrame(core));
    // What a tap or a drag is on is found by shape in both modes, and nothing is looked for on hover (see picking.ts).
    const stopPicking = pickOnPress(core, container.current!);
    if (!stopPicking) console.warn("Cytoscape's own picking is in use: in WebGL mode a small node inside a box may be hard to click");
    core.on('tap', (event) => {
      const target = event.target === core ? null : (event.target as NodeSingular | EdgeSingular);
      if (!target) callbacks.current.onSelect(null);
      // A view's note is not an object: it has no details to show.
      else if (target.data('kind') === 'Note') return;
      else callbacks.current.onSelect({ group: target.isNode() ? 'nodes' : 'edges', id: target.id() });
    });
    // Cytoscape selects what it picked itself; the page's selection (from the tap handler above, once React has it) wins.
    // Without this, a tap the page ignores (a note) would leave a stray highlight.
    core.on('tapselect tapunselect', () => showSelection(core, selectedRef.current));
    core.on('dbltap', (event) => {
      if (event.target !== core && event.target.hasClass('aggregate')) callbacks.current.onToggle(event.target.id());
    });
    // The stylesheet is made again when the labels' scale for a zoom changes: every label is then measured again.
    const rescale = (zoom: number) => {
      const zoomScale = labelScaleFor(zoom, core.elements().length);
      const scale = zoomScale * fontScaleRef.current;
      if (scale === labels.current.scale) return false;
      labels.current.scale = scale;
      core.style(graphStyles(themeRef.current, scale, zoomScale > 1));
      return true;
    };
    labels.current.rescale = rescale;
    // Labels are chosen once a zoom or pan has settled, not on every frame of it.
    const placeNow = () => {
      const started = performance.now();
      const restyled = rescale(core.zoom());
      // A frame later only when something is to be drawn: an unspent skip would refuse the next (see drawAfterNextFrame).
      if (placeGraphLabels(core) > 0 || restyled) drawAfterNextFrame(core, pacing.current);
      labels.current.placed += 1;
      labels.current.lastMs = performance.now() - started;
    };
    labels.current.placeNow = placeNow;
    // A zoom or pan waits until it has settled; a change of the elements waits for no more than a
    // moment, so that a stream of updates (250 ms apart) still gets its labels, without one placing per update.
    labels.current.schedule = (moved) => {
      // While a tiled PNG moves the camera tile by tile, the labels stay as on screen.
      if (labels.current.frozen || (!moved && labels.current.timer)) return;
      window.clearTimeout(labels.current.timer);
      labels.current.timer = window.setTimeout(() => {
        labels.current.timer = 0;
        placeNow();
      }, moved ? 120 : 300);
    };
    core.on('viewport', () => labels.current.schedule(true));
    // The canvas changes size without the window doing so (presenter mode hides the chrome): Cytoscape is told.
    const resizes = new ResizeObserver(() => {
      core.resize();
      // A picture fitted before the chrome around it settled (the timeline arrives after the first view;
      // presenter mode hides the toolbar) is fitted to the room it has now, unless the user has moved it.
      // Not while the camera is animated: an animation takes its start at its first step.
      if (fittedCamera.current && cameraIsAt(core, fittedCamera.current) && !core.animated()) fittedCamera.current = fitToCanvas(core, drawnElements.current, labels.current.rescale);
      // More or less room: the labels at the old edges are placed again.
      labels.current.schedule(true);
    });
    resizes.observe(container.current!);
    const labelWork = labels.current;
    cy.current = core;
    const graphHooks: GraphHooks = {
      renderedBox(id) {
        const element = core.getElementById(id);
        if (element.empty()) return null;
        const box = element.renderedBoundingBox({ includeLabels: false });
        const origin = container.current!.getBoundingClientRect();
        return { x: origin.left + box.x1, y: origin.top + box.y1, w: box.w, h: box.h };
      },
      ids: () => core.elements().map((e) => e.id()),
      classes: (id) => core.getElementById(id).classes(),
      renderer: () => renderer,
      view: () => ({ ...callbacks.current.hooks.info(), drawnNodes: core.nodes().length, drawnEdges: core.edges().length, painted: painted.current }),
      labels: () => {
        const origin = container.current!.getBoundingClientRect();
        return { placed: labels.current.placed, lastMs: labels.current.lastMs, waiting: labels.current.timer !== 0, ...labelsOnScreen(core, origin), canvas: { x1: origin.left, y1: origin.top, x2: origin.right, y2: origin.bottom } };
      },
      expand: (id) => callbacks.current.hooks.toggle(id, true),
      collapse: (id) => callbacks.current.hooks.toggle(id, false),
    };
    window.strataGraph = graphHooks;
    if (exportsRef) {
      exportsRef.current = {
        png: (options) => graphPng(core, container.current!, options, (frozen) => (labels.current.frozen = frozen)),
        positions: () => Object.fromEntries(core.nodes().filter((n) => !n.isParent()).map((n) => [n.id(), { ...(n as NodeSingular).position() }])),
        camera: () => cameraOf(core),
      };
    }
    if (controlsRef) {
      controlsRef.current = {
        panBy: (dx, dy) => core.panBy({ x: dx, y: dy }),
        zoomBy: (factor) => core.zoom({ level: core.zoom() * factor, renderedPosition: { x: core.width() / 2, y: core.height() / 2 } }),
        fit: () => {
          const size = { width: core.width(), height: core.height() };
          // The fit's target is worked out when animate() is called: a canvas resized meanwhile is fitted again at the end.
          const complete = () => {
            const resized = core.width() !== size.width || core.height() !== size.height;
            fittedCamera.current = resized ? fitToCanvas(core, drawnElements.current, labels.current.rescale) : cameraOf(core);
          };
          core.animate({ fit: { eles: core.elements(), padding: FIT_PADDING } }, { duration: 300, complete });
        },
      };
    }
    return () => {
      stopWatching();
      stopPicking?.();
      resizes.disconnect();
      window.clearTimeout(labelWork.timer);
      if (controlsRef) controlsRef.current = null;
      core.destroy();
      cy.current = null;
      delete window.strataGraph;
      if (exportsRef) exportsRef.current = null;
    };
    // The instance lives as long as the view; theme and elements are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const themeChanged = themeRef.current !== theme;
    fontScaleRef.current = fontScale;
    themeRef.current = theme;
    // A new theme is drawn at once; a new font scale when the labels are placed next (the stylesheet is made again then).
    labels.current.scale = NaN;
    if (themeChanged) labels.current.placeNow();
    else labels.current.schedule(false);
  }, [theme, fontScale]);

  useEffect(() => {
    const core = cy.current;
    if (!core) return;
    drawnElements.current = elements;
    const wanted = new Map(elements.map((e) => [e.data.id, e]));
    const given = applied.current;
    const rescale = labels.current.rescale;
    const saved = ready && elements.length > 0 && camera && takenCamera.current !== camera.seq ? camera : null;
    const fitting = ready && elements.length > 0 && !saved && fittedFor.current !== fitKey;
    const signature = (element: GraphElement) => `${element.classes}\u0000${element.position ? `${element.position.x},${element.position.y}` : ''}\u0000${JSON.stringify(element.data)}`;
    let removed = 0;
    const toAdd: ElementDefinition[] = [];
    const kept: GraphElement[] = [];
    core.batch(() => {
      core.elements().forEach((element) => {
        if (wanted.has(element.id())) return;
        given.delete(element.id());
        element.remove();
        removed += 1;
      });
      for (const element of elements) {
        const existing = core.getElementById(element.data.id);
        const now = signature(element);
        if (existing.nonempty() && given.get(element.data.id) === now) continue;
        given.set(element.data.id, now);
        if (existing.nonempty()) {
          // A parent is changed with move(), never through data.
          const { parent: _parent, ...data } = element.data;
          existing.data(data);
          // What the view keeps to itself (a label left out, the keyboard's focus) survives an update.
          existing.classes([element.classes, ...KEPT_CLASSES.filter((c) => existing.hasClass(c))].join(' '));
          kept.push(element);
        } else toAdd.push({ group: element.group, data: element.data, classes: element.classes, ...(element.position ? { position: element.position } : {}) });
      }
      // Parents before children, nodes before edges: Cytoscape needs both to exist first.
      toAdd.sort((a, b) => addOrder(a) - addOrder(b));
      core.add(toAdd);
      // Moves after adding: a node's new box may be one of the elements just added.
      for (const element of kept) {
        const existing = core.getElementById(element.data.id);
        if (existing.isNode() && (existing.data('parent') ?? null) !== (element.data.parent ?? null)) existing.move({ parent: (element.data.parent as string | undefined) ?? null });
      }
      // Positions last: a box that folded into a cell is no longer a parent once its members moved out.
      for (const element of kept) {
        const existing = core.getElementById(element.data.id);
        if (element.position && !existing.isParent()) existing.position(element.position);
      }
      // The labels' scale for the zoom about to be taken, set while Cytoscape is still batching: the
      // fit measures every label, and with the scale set after it, every label would be measured again.
      if (saved) rescale(saved.zoom);
      else if (fitting) {
        const zoom = fitZoomFor(core, elements);
        if (zoom !== undefined) rescale(zoom);
      }
    });
    // Fit once per fitKey, as soon as there is something to fit; later updates keep the user's zoom and pan.
    // A saved view's camera, when one waits, takes the place of the fit.
    if (saved) {
      takenCamera.current = saved.seq;
      if (saved.animate) core.animate({ zoom: saved.zoom, pan: saved.pan }, { duration: 500 });
      else core.viewport({ zoom: saved.zoom, pan: saved.pan });
      fittedFor.current = fitKey;
      // A saved camera is kept as it was saved, whatever the room.
      fittedCamera.current = null;
    } else if (fitting) {
      core.fit(undefined, FIT_PADDING);
      fittedFor.current = fitKey;
      fittedCamera.current = cameraOf(core);
    }
    if (removed || toAdd.length || kept.length || saved || fitting) drawAfterNextFrame(core, pacing.current);
    labels.current.schedule(false);
    // Counted once a frame has been drawn after the change (two frames on, as Cytoscape skips one): what a benchmark waits for.
    requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => (painted.current += 1))));
  }, [elements, fitKey, ready, camera]);

  useEffect(() => {
    selectedRef.current = selected;
    const core = cy.current;
    if (!core) return;
    showSelection(core, selected);
    // The selection's label comes first among those on screen.
    labels.current.schedule(false);
  }, [selected, elements]);

  // Presenter mode's walk: the hop's elements lit and framed, the rest dimmed. The boxes that hold a lit
  // element stay undimmed, since a box's opacity would dim what it holds; so do edges between lit nodes.
  const framedSpotlight = useRef<readonly string[] | null>(null);
  useEffect(() => {
    const core = cy.current;
    if (!core) return;
    // Framed once per hop: live updates re-apply the classes but leave the camera where it is.
    const reframe = framedSpotlight.current !== spotlight;
    framedSpotlight.current = spotlight;
    labels.current.schedule(false);
    core.batch(() => {
      core.elements('.walk-lit, .walk-dimmed').removeClass('walk-lit walk-dimmed');
      if (!spotlight) return;
      const wanted = new Set(spotlight);
      const lit = core.elements().filter((e) => wanted.has(e.id()));
      const keep = lit.union(lit.ancestors()).union(lit.edgesWith(lit));
      // A hop with nothing drawn (a request from outside the cluster) dims nothing.
      if (lit.empty()) return;
      lit.addClass('walk-lit');
      core.elements().difference(keep).addClass('walk-dimmed');
      if (!reframe) return;
      // Framed with room around it, but never closer than a little over life size: one Service alone would fill the screen.
      // The caption covers the bottom of the screen: the hop is framed in the space above it.
      const box = lit.boundingBox();
      const padding = Math.min(120, core.width() / 6);
      const above = core.height() - SPOTLIGHT_CAPTION_PX;
      const zoom = Math.min(1.5, (core.width() - 2 * padding) / Math.max(box.w, 1), (above - 2 * padding) / Math.max(box.h, 1));
      core.animate({ zoom, pan: { x: core.width() / 2 - ((box.x1 + box.x2) / 2) * zoom, y: above / 2 - ((box.y1 + box.y2) / 2) * zoom } }, { duration: 400 });
    });
  }, [spotlight, elements]);

  // Bring a search result into view once it is drawn (it may wait for its aggregate to open).
  const focusedSeq = useRef(-1);
  useEffect(() => {
    const core = cy.current;
    if (!core || !focus || focusedSeq.current === focus.seq) return;
    const element = core.getElementById(focus.id);
    if (element.empty() || !ready) return;
    focusedSeq.current = focus.seq;
    core.animate({ center: { eles: element }, zoom: Math.max(core.zoom(), 1) }, { duration: 300 });
  }, [focus, elements, ready]);

  // The keyboard's focus: arrows step through the nodes in reading order, Enter opens the details, Escape clears the focus.
  const keyFocus = useRef<string | null>(null);
  const [announced, setAnnounced] = useState('');
  const onKeyDown = (event: React.KeyboardEvent) => {
    const core = cy.current;
    if (!core || !keyboard || event.target !== container.current || event.altKey || event.ctrlKey || event.metaKey) return;
    const current = keyFocus.current && core.getElementById(keyFocus.current).nonempty() ? keyFocus.current : null;
    if ((event.key === 'Enter' || event.key === ' ') && current) callbacks.current.onSelect({ group: 'nodes', id: current });
    else {
      const step = moveKeyboardFocus(core, current, event.key);
      if (!step) return;
      keyFocus.current = step.focus;
      setAnnounced(step.announce);
    }
    // Ours, and no one else's: the timeline's arrows must not step time while the graph has the keyboard.
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <>
      <div
        ref={container}
        className="graph-canvas"
        data-testid="graph-canvas"
        role="application"
        aria-roledescription="graph"
        aria-label="Topology graph. Arrow keys step through the objects namespace by namespace, layer by layer; Enter opens the details; Escape clears the focus."
        tabIndex={0}
        onKeyDown={onKeyDown}
      />
      <p className="visually-hidden" aria-live="polite" data-testid="graph-focus">
        {announced}
      </p>
    </>
  );
}

import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useRef } from 'react';
import type { GraphElement } from './toElements';
import './graphHooks';
import { graphStyles, type Theme } from './styles';

export interface Selection {
  group: 'nodes' | 'edges';
  id: string;
}

interface Props {
  elements: readonly GraphElement[];
  theme: Theme;
  selected: Selection | null;
  onSelect: (selection: Selection | null) => void;
  /** Changes when the view should fit what it shows: a new source, a filter change, a re-layout. */
  fitKey: string;
  /** False while the layout of the current elements is still being computed. */
  ready: boolean;
}

/** Namespaces, then workloads, then other nodes, then edges: each refers only to what came before. */
function addOrder(element: ElementDefinition): number {
  if (element.group === 'edges') return 3;
  return element.data.kind === 'Namespace' ? 0 : element.data.kind === 'Workload' ? 1 : 2;
}

/**
 * The graph canvas. It applies changes to the elements it already has (add, remove, update in
 * place) rather than rebuilding, so live updates don't reset zoom, pan or positions.
 */
export function CytoscapeView({ elements, theme, selected, onSelect, fitKey, ready }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const fittedFor = useRef<string | null>(null);
  const onSelectRef = useRef(onSelect);
  useEffect(() => {
    onSelectRef.current = onSelect;
  }, [onSelect]);

  useEffect(() => {
    const core = cytoscape({ container: container.current, style: graphStyles(theme), layout: { name: 'preset' }, minZoom: 0.05, maxZoom: 3, boxSelectionEnabled: false, autoungrabify: false });
    core.on('tap', (event) => {
      if (event.target === core) onSelectRef.current(null);
      else onSelectRef.current({ group: event.target.isNode() ? 'nodes' : 'edges', id: event.target.id() });
    });
    cy.current = core;
    window.strataGraph = {
      renderedBox(id) {
        const element = core.getElementById(id);
        if (element.empty()) return null;
        const box = element.renderedBoundingBox({ includeLabels: false });
        const origin = container.current!.getBoundingClientRect();
        return { x: origin.left + box.x1, y: origin.top + box.y1, w: box.w, h: box.h };
      },
      ids: () => core.elements().map((e) => e.id()),
      classes: (id) => core.getElementById(id).classes(),
    };
    return () => {
      core.destroy();
      cy.current = null;
      delete window.strataGraph;
    };
    // The instance lives as long as the view; theme and elements are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    cy.current?.style(graphStyles(theme));
  }, [theme]);

  useEffect(() => {
    const core = cy.current;
    if (!core) return;
    const wanted = new Map(elements.map((e) => [e.data.id, e]));
    core.batch(() => {
      core.elements().forEach((element) => {
        if (!wanted.has(element.id())) element.remove();
      });
      // Parents before children, nodes before edges: Cytoscape needs both to exist first.
      const toAdd: ElementDefinition[] = [];
      for (const element of elements) {
        const existing = core.getElementById(element.data.id);
        if (existing.nonempty()) {
          // A parent is changed with move(), never through data.
          const { parent: _parent, ...data } = element.data;
          existing.data(data);
          existing.classes(element.classes);
          if (element.position && !existing.isParent()) existing.position(element.position);
          if (element.data.parent !== undefined && existing.isNode() && existing.data('parent') !== element.data.parent) existing.move({ parent: element.data.parent as string });
        } else toAdd.push({ group: element.group, data: element.data, classes: element.classes, ...(element.position ? { position: element.position } : {}) });
      }
      toAdd.sort((a, b) => addOrder(a) - addOrder(b));
      core.add(toAdd);
    });
    // Fit once per fitKey, as soon as there is something to fit; later updates keep the user's zoom and pan.
    if (ready && fittedFor.current !== fitKey && elements.length > 0) {
      core.fit(undefined, 40);
      fittedFor.current = fitKey;
    }
  }, [elements, fitKey, ready]);

  useEffect(() => {
    const core = cy.current;
    if (!core) return;
    core.elements(':selected').unselect();
    if (selected) core.getElementById(selected.id).select();
  }, [selected, elements]);

  return <div ref={container} className="graph-canvas" data-testid="graph-canvas" aria-hidden="true" />;
}

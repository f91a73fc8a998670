import type { StylesheetJson } from 'cytoscape';
import { KIND_STYLES, NOTE_COLORS, THEME_PALETTE, type Theme } from '../../core/view/kindStyles';

export type { Theme };

/** About how many characters of a subtitle fit on a label's line: 208 px of 11 px text, mostly digits and lower case. */
const SUBTITLE_LINE_CHARS = 30;

/**
 * A subtitle's facts (joined by ' · ') on lines of about SUBTITLE_LINE_CHARS, none split inside. Cytoscape
 * then measures each line once: a longer line it wraps word by word, measuring the line again for
 * each word, which was most of the label work of the first cluster level at 500 namespaces.
 */
export function subtitleLines(subtitle: string): string {
  const lines: string[] = [];
  for (const fact of subtitle.split(' · ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 3 + fact.length <= SUBTITLE_LINE_CHARS) lines[last] += ` · ${fact}`;
    else lines.push(fact);
  }
  return lines.join('\n');
}

/**
 * The Cytoscape stylesheet for a theme. `labelScale` enlarges the labels drawn beside their node
 * (zoomed out, so that those shown stay readable; in presenter mode, its font scale); `compact`
 * labels drop their second line, as when zoomed out. Text inside a folded cell keeps its size: it
 * has to fit the cell.
 *
 * Every state is told by more than its colour (a border's width and pattern, a line's dash, an
 * arrow's shape), so that it survives a projector and colour blindness; styles.test.ts checks.
 * The high-contrast theme draws every line and border thicker (`stroke`) and small text larger (`minFont`).
 */
export function graphStyles(theme: Theme, labelScale = 1, compact = labelScale > 1): StylesheetJson {
  const p = THEME_PALETTE[theme];
  const s = p.states;
  const px = (size: number) => size * labelScale;
  /** Small text, raised to the theme's smallest size. */
  const small = (size: number) => px(Math.max(size, p.minFont));
  /** A line's or border's width in this theme. */
  const w = (width: number) => width * p.stroke;
  const kinds = Object.entries(KIND_STYLES).map(([kind, style]) => ({
    selector: `node.kind-${kind}`,
    style: { shape: style.shape as never, 'background-color': p.kinds[kind] ?? style.color },
  }));
  return [
    {
      selector: 'node',
      style: {
        width: 30,
        height: 30,
        label: (ele: { data: (k: string) => string; hasClass: (c: string) => boolean }) =>
          ele.data('subtitle') && (!compact || ele.hasClass('folded')) ? `${ele.data('label')}\n${subtitleLines(ele.data('subtitle'))}` : ele.data('label'),
        // Wrapped, never cut short: a label that cannot fit is left out whole (see labelPlacement).
        'text-wrap': 'wrap',
        'text-max-width': `${px(220)}px`,
        'text-valign': 'bottom',
        'text-margin-y': px(4),
        'font-size': px(11),
        'font-family': 'Inter, system-ui, sans-serif',
        color: p.text,
        'text-outline-color': p.outline,
        'text-outline-width': 2,
        'border-width': 0,
        // Labels too small to read are noise; they appear as the user zooms in.
        'min-zoomed-font-size': 6,
      },
    },
    ...kinds,
    { selector: 'node.kind-Node', style: { width: 40, height: 34 } },
    {
      selector: 'node.kind-Namespace',
      style: {
        shape: 'round-rectangle',
        'background-color': p.namespace,
        'background-opacity': 0.6,
        'border-width': w(1),
        'border-color': p.namespaceBorder,
        'text-valign': 'top',
        'text-halign': 'left',
        'text-margin-x': px(90),
        'text-margin-y': px(18),
        'font-size': px(13),
        'font-weight': 'bold',
        color: p.muted,
        padding: '24px',
      },
    },
    {
      selector: 'node.kind-Workload',
      style: {
        shape: 'round-rectangle',
        'background-color': p.workload,
        'background-opacity': 0.5,
        'border-width': w(1),
        'border-style': 'dashed',
        'border-color': p.kinds.Pod,
        'text-valign': 'top',
        'text-margin-y': -2,
        'font-size': small(10),
        color: p.muted,
        padding: '10px',
      },
    },
    // Aggregates. A folded namespace, group or zone is a cell with its counts inside; its ring says how
    // healthy what it holds is, by width as well as colour (a projector washes colours out).
    { selector: 'node.kind-Nodes', style: { shape: 'round-rectangle', 'background-color': p.namespace, 'background-opacity': 0.6, 'border-width': w(1), 'border-color': p.namespaceBorder, 'text-valign': 'top', color: p.muted, padding: '16px' } },
    {
      selector: 'node.aggregate.folded.kind-Namespace, node.aggregate.folded.kind-Nodes, node.aggregate.folded.kind-Zone, node.aggregate.folded.kind-Node',
      style: {
        shape: 'round-rectangle',
        width: 216,
        height: 40,
        'background-color': p.namespace,
        'background-opacity': 1,
        'border-width': w(2),
        'border-color': p.namespaceBorder,
        'border-style': 'solid',
        'text-valign': 'center',
        'text-halign': 'center',
        'text-margin-x': 0,
        'text-margin-y': 0,
        'text-max-width': '208px',
        'text-wrap': 'wrap',
        'font-size': 11,
        'font-weight': 'normal',
        color: p.text,
        padding: '0px',
      },
    },
    { selector: 'node.aggregate.folded.kind-Workload', style: { shape: 'round-rectangle', width: 44, height: 30, 'background-color': p.kinds.Pod, 'background-opacity': 1, 'border-width': w(2), 'border-style': 'solid', 'border-color': p.namespaceBorder, 'text-valign': 'bottom', 'font-size': px(11), color: p.text, padding: '0px' } },
    { selector: 'node.aggregate.folded.kind-Service', style: { 'border-width': w(2), 'border-color': p.namespaceBorder } },
    // Healthy: a thin solid ring; degraded: a broken one; failing: the thickest.
    { selector: 'node.aggregate.folded.health-ok', style: { 'border-color': s.forwarded, 'border-width': w(2), 'border-style': 'solid' } },
    { selector: 'node.aggregate.folded.health-degraded', style: { 'border-color': s.problem, 'border-width': w(5), 'border-style': 'dashed' } },
    { selector: 'node.aggregate.folded.health-failing', style: { 'border-color': s.missing, 'border-width': w(6), 'border-style': 'solid' } },
    // Problems a folded cell draws on its own sit inside it as small marks, named when zoomed in.
    { selector: 'node.drawn-alone', style: { width: 14, height: 14, 'font-size': px(6), 'text-max-width': `${px(40)}px`, 'min-zoomed-font-size': 5 } },
    { selector: 'node.synthesized', style: { 'background-opacity': 0.55 } },
    { selector: 'node.problem', style: { 'border-width': w(3), 'border-color': s.problem } },
    // Findings are told apart by the border's pattern as well as its colour: double for an error, dashed for a warning.
    { selector: 'node.finding-warning', style: { 'border-width': w(3), 'border-style': 'dashed', 'border-color': s.problem } },
    { selector: 'node.finding-error', style: { 'border-width': w(5), 'border-style': 'double', 'border-color': s.missing } },
    { selector: 'node.missing', style: { 'background-color': s.missing, 'background-opacity': 0.25, 'border-width': w(2), 'border-style': 'dashed', 'border-color': s.missing } },
    {
      selector: 'edge',
      style: {
        width: w(1.5),
        'line-color': p.edge,
        'target-arrow-color': p.edge,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': small(9),
        color: p.muted,
        'text-rotation': 'autorotate',
        'text-outline-color': p.outline,
        'text-outline-width': 2,
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'edge.type-observed', style: { 'curve-style': 'unbundled-bezier', 'control-point-distances': 'data(bend)' as never, 'control-point-weights': [0.5], width: w(2.5), 'line-color': s.forwarded, 'target-arrow-color': s.forwarded, 'line-opacity': 0.8 } },
    { selector: 'edge.type-observed.verdict-dropped', style: { width: w(4), 'line-color': s.missing, 'target-arrow-color': s.missing, 'line-style': 'dashed', 'target-arrow-shape': 'tee', color: p.alarm, 'font-weight': 'bold', 'font-size': small(11), 'min-zoomed-font-size': 4 } },
    { selector: 'edge.type-pod-node', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none' } },
    { selector: 'edge.type-load-balancer', style: { 'line-color': p.kinds.External, 'target-arrow-color': p.kinds.External } },
    { selector: 'edge.not-ready', style: { 'line-style': 'dashed', 'line-color': s.problem, 'target-arrow-color': s.problem } },
    // Terminating: sparse dashes, faded; going away.
    { selector: 'edge.terminating', style: { 'line-style': 'dashed', 'line-dash-pattern': [3, 6], opacity: 0.5 } },
    // A problem: a crossed arrowhead.
    { selector: 'edge.problem', style: { 'line-color': s.missing, 'target-arrow-color': s.missing, width: w(2), 'target-arrow-shape': 'triangle-cross' } },
    { selector: '.dimmed', style: { opacity: 0.15 } },
    // The Policies layer: isolation as a thick border (ingress) or a double one (egress); verdicts on edges.
    { selector: 'node.isolated-ingress', style: { 'border-width': w(4), 'border-color': s.policy } },
    { selector: 'node.isolated-egress', style: { 'border-width': w(4), 'border-color': s.policy, 'border-style': 'double' } },
    { selector: 'node.isolated-ingress.isolated-egress', style: { 'border-width': w(6), 'border-style': 'double' } },
    { selector: 'node.isolated-partly', style: { 'border-width': w(4), 'border-color': s.policy, 'border-style': 'dashed' } },
    { selector: 'node.host-network', style: { 'border-width': w(3), 'border-style': 'dotted', 'border-color': s.problem } },
    { selector: 'node.kind-Policy', style: { shape: 'tag', 'background-color': s.policy, width: 30, height: 22 } },
    { selector: 'node.policy-focused', style: { 'border-width': w(4), 'border-color': p.selected } },
    { selector: 'edge.type-policy-selects', style: { 'line-color': s.policy, 'target-arrow-color': s.policy, 'line-style': 'dotted', width: w(1.5), opacity: 0.7 } },
    { selector: 'node.policy-selected', style: { 'background-color': s.policy, 'underlay-color': s.policy, 'underlay-opacity': 0.35, 'underlay-padding': 8 } },
    { selector: 'node.policy-allowed', style: { 'underlay-color': s.forwarded, 'underlay-opacity': 0.35, 'underlay-padding': 8 } },
    // Verdicts: allowed from anyone is a plain arrow; from some sources, an arrow with a bar (a gate); denied, a dashed line ending in a bar.
    { selector: 'edge.policy-open, edge.policy-allowed', style: { 'line-color': s.forwarded, 'target-arrow-color': s.forwarded } },
    { selector: 'edge.policy-restricted', style: { 'line-color': s.restricted, 'target-arrow-color': s.restricted, 'target-arrow-shape': 'triangle-tee' } },
    { selector: 'edge.policy-denied', style: { 'line-color': s.missing, 'target-arrow-color': s.missing, 'line-style': 'dashed', 'target-arrow-shape': 'tee', width: w(3) } },
    { selector: 'edge.policy-mismatch', style: { 'line-color': s.mismatch, 'target-arrow-color': s.mismatch, width: w(5), 'line-style': 'solid' } },
    // A compare's marks are a ring outside the border, so they keep whatever the border says: solid added, dashed changed, dotted (and faded) removed.
    { selector: 'node.diff-added', style: { 'outline-width': w(3), 'outline-offset': 2, 'outline-color': s.added, 'outline-style': 'solid' } },
    { selector: 'node.diff-changed', style: { 'outline-width': w(3), 'outline-offset': 2, 'outline-color': s.changed, 'outline-style': 'dashed' } },
    { selector: 'node.diff-removed', style: { 'outline-width': w(3), 'outline-offset': 2, 'outline-color': s.missing, 'outline-style': 'dotted', opacity: 0.45 } },
    { selector: 'node.match', style: { 'border-width': w(3), 'border-color': p.selected } },
    // A view's notes: sticky notes beside their objects, joined by a dotted line.
    { selector: 'node.kind-Note', style: { shape: 'round-rectangle', width: 16, height: 16, 'background-color': NOTE_COLORS.fill, 'border-width': 1, 'border-color': NOTE_COLORS.border, 'text-valign': 'center', 'text-halign': 'right', 'text-margin-x': px(6), 'text-max-width': `${px(180)}px`, 'text-wrap': 'wrap', 'font-style': 'italic' } },
    { selector: 'edge.type-note', style: { 'line-style': 'dotted', 'line-color': NOTE_COLORS.border, 'target-arrow-shape': 'none', width: 1.5, 'curve-style': 'straight' } },
    // Presenter mode's walk: the hop lit in the selection's colour, everything else faded back.
    { selector: '.walk-dimmed', style: { opacity: 0.12 } },
    { selector: 'node.walk-lit', style: { 'underlay-color': p.selected, 'underlay-opacity': 0.45, 'underlay-padding': 10, 'border-width': 3, 'border-color': p.selected } },
    // The keyboard's focus: a halo that no state uses.
    { selector: 'node.kbd-focus', style: { 'overlay-color': p.selected, 'overlay-opacity': 0.3, 'overlay-padding': 8 } },
    // Labels that do not fit beside their neighbours are kept (so their boxes can be measured) but not drawn.
    { selector: '.label-hidden', style: { 'text-opacity': 0 } },
    { selector: ':selected', style: { 'border-width': w(4), 'border-color': p.selected, 'line-color': p.selected, 'target-arrow-color': p.selected } },
  ];
}

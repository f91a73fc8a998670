import type { StylesheetJson } from 'cytoscape';
import { FORWARDED_COLOR, KIND_STYLES, MISMATCH_COLOR, MISSING_COLOR, POLICY_COLOR, PROBLEM_COLOR, RESTRICTED_COLOR, THEME_PALETTE, type Theme } from '../../core/view/kindStyles';

export type { Theme };

/**
 * The Cytoscape stylesheet for a theme. `labelScale` enlarges the labels drawn beside their node
 * when the picture is zoomed out, so that those shown stay readable; above 1 they also drop their
 * second line. Text inside a folded cell keeps its size: it has to fit the cell.
 */
export function graphStyles(theme: Theme, labelScale = 1): StylesheetJson {
  const p = THEME_PALETTE[theme];
  const px = (size: number) => size * labelScale;
  const compact = labelScale > 1;
  const kinds = Object.entries(KIND_STYLES).map(([kind, style]) => ({
    selector: `node.kind-${kind}`,
    style: { shape: style.shape as never, 'background-color': style.color },
  }));
  return [
    {
      selector: 'node',
      style: {
        width: 30,
        height: 30,
        label: (ele: { data: (k: string) => string; hasClass: (c: string) => boolean }) =>
          ele.data('subtitle') && (!compact || ele.hasClass('folded')) ? `${ele.data('label')}\n${ele.data('subtitle')}` : ele.data('label'),
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
        'border-width': 1,
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
        'border-width': 1,
        'border-style': 'dashed',
        'border-color': KIND_STYLES.Pod.color,
        'text-valign': 'top',
        'text-margin-y': -2,
        'font-size': px(10),
        color: p.muted,
        padding: '10px',
      },
    },
    // Aggregates. A folded namespace, group or zone is a cell with its counts inside; its ring says how
    // healthy what it holds is, by width as well as colour (a projector washes colours out).
    { selector: 'node.kind-Nodes', style: { shape: 'round-rectangle', 'background-color': p.namespace, 'background-opacity': 0.6, 'border-width': 1, 'border-color': p.namespaceBorder, 'text-valign': 'top', color: p.muted, padding: '16px' } },
    {
      selector: 'node.aggregate.folded.kind-Namespace, node.aggregate.folded.kind-Nodes, node.aggregate.folded.kind-Zone, node.aggregate.folded.kind-Node',
      style: {
        shape: 'round-rectangle',
        width: 216,
        height: 40,
        'background-color': p.namespace,
        'background-opacity': 1,
        'border-width': 2,
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
    { selector: 'node.aggregate.folded.kind-Workload', style: { shape: 'round-rectangle', width: 44, height: 30, 'background-color': KIND_STYLES.Pod.color, 'background-opacity': 1, 'border-width': 2, 'border-style': 'solid', 'border-color': p.namespaceBorder, 'text-valign': 'bottom', 'font-size': px(11), color: p.text, padding: '0px' } },
    { selector: 'node.aggregate.folded.kind-Service', style: { 'border-width': 2, 'border-color': p.namespaceBorder } },
    { selector: 'node.aggregate.folded.health-ok', style: { 'border-color': FORWARDED_COLOR, 'border-width': 2 } },
    { selector: 'node.aggregate.folded.health-degraded', style: { 'border-color': PROBLEM_COLOR, 'border-width': 4 } },
    { selector: 'node.aggregate.folded.health-failing', style: { 'border-color': MISSING_COLOR, 'border-width': 6 } },
    // Problems a folded cell draws on its own sit inside it as small marks, named when zoomed in.
    { selector: 'node.drawn-alone', style: { width: 14, height: 14, 'font-size': px(6), 'text-max-width': `${px(40)}px`, 'min-zoomed-font-size': 5 } },
    { selector: 'node.synthesized', style: { 'background-opacity': 0.55 } },
    { selector: 'node.problem', style: { 'border-width': 3, 'border-color': PROBLEM_COLOR } },
    // Findings are told apart by the border's pattern as well as its colour: double for an error, dashed for a warning.
    { selector: 'node.finding-warning', style: { 'border-width': 3, 'border-style': 'dashed', 'border-color': PROBLEM_COLOR } },
    { selector: 'node.finding-error', style: { 'border-width': 5, 'border-style': 'double', 'border-color': MISSING_COLOR } },
    { selector: 'node.missing', style: { 'background-color': MISSING_COLOR, 'background-opacity': 0.25, 'border-width': 2, 'border-style': 'dashed', 'border-color': MISSING_COLOR } },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': p.edge,
        'target-arrow-color': p.edge,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': px(9),
        color: p.muted,
        'text-rotation': 'autorotate',
        'text-outline-color': p.outline,
        'text-outline-width': 2,
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'edge.type-observed', style: { 'curve-style': 'unbundled-bezier', 'control-point-distances': 'data(bend)' as never, 'control-point-weights': [0.5], width: 2.5, 'line-color': '#22c55e', 'target-arrow-color': '#22c55e', 'line-opacity': 0.8 } },
    { selector: 'edge.type-observed.verdict-dropped', style: { width: 4, 'line-color': MISSING_COLOR, 'target-arrow-color': MISSING_COLOR, 'line-style': 'dashed', 'target-arrow-shape': 'tee', color: MISSING_COLOR, 'font-weight': 'bold', 'font-size': px(11), 'min-zoomed-font-size': 4 } },
    { selector: 'edge.type-pod-node', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none' } },
    { selector: 'edge.type-load-balancer', style: { 'line-color': KIND_STYLES.External.color, 'target-arrow-color': KIND_STYLES.External.color } },
    { selector: 'edge.not-ready', style: { 'line-style': 'dashed', 'line-color': PROBLEM_COLOR, 'target-arrow-color': PROBLEM_COLOR } },
    { selector: 'edge.terminating', style: { 'line-style': 'dashed', opacity: 0.5 } },
    { selector: 'edge.problem', style: { 'line-color': MISSING_COLOR, 'target-arrow-color': MISSING_COLOR, width: 2 } },
    { selector: '.dimmed', style: { opacity: 0.15 } },
    // The Policies layer: isolation as a thick border (ingress) or a double one (egress); verdicts on edges.
    { selector: 'node.isolated-ingress', style: { 'border-width': 4, 'border-color': POLICY_COLOR } },
    { selector: 'node.isolated-egress', style: { 'border-width': 4, 'border-color': POLICY_COLOR, 'border-style': 'double' } },
    { selector: 'node.isolated-ingress.isolated-egress', style: { 'border-width': 6, 'border-style': 'double' } },
    { selector: 'node.isolated-partly', style: { 'border-width': 4, 'border-color': POLICY_COLOR, 'border-style': 'dashed' } },
    { selector: 'node.host-network', style: { 'border-width': 3, 'border-style': 'dotted', 'border-color': PROBLEM_COLOR } },
    { selector: 'node.kind-Policy', style: { shape: 'tag', 'background-color': POLICY_COLOR, width: 30, height: 22 } },
    { selector: 'node.policy-focused', style: { 'border-width': 4, 'border-color': p.selected } },
    { selector: 'edge.type-policy-selects', style: { 'line-color': POLICY_COLOR, 'target-arrow-color': POLICY_COLOR, 'line-style': 'dotted', width: 1.5, opacity: 0.7 } },
    { selector: 'node.policy-selected', style: { 'background-color': POLICY_COLOR, 'underlay-color': POLICY_COLOR, 'underlay-opacity': 0.35, 'underlay-padding': 8 } },
    { selector: 'node.policy-allowed', style: { 'underlay-color': FORWARDED_COLOR, 'underlay-opacity': 0.35, 'underlay-padding': 8 } },
    { selector: 'edge.policy-open, edge.policy-allowed', style: { 'line-color': FORWARDED_COLOR, 'target-arrow-color': FORWARDED_COLOR } },
    { selector: 'edge.policy-restricted', style: { 'line-color': RESTRICTED_COLOR, 'target-arrow-color': RESTRICTED_COLOR } },
    { selector: 'edge.policy-denied', style: { 'line-color': MISSING_COLOR, 'target-arrow-color': MISSING_COLOR, 'line-style': 'dashed', 'target-arrow-shape': 'tee', width: 3 } },
    { selector: 'edge.policy-mismatch', style: { 'line-color': MISMATCH_COLOR, 'target-arrow-color': MISMATCH_COLOR, width: 5, 'line-style': 'solid' } },
    { selector: 'node.diff-added', style: { 'border-width': 4, 'border-color': '#22c55e', 'border-style': 'double' } },
    { selector: 'node.diff-changed', style: { 'border-width': 4, 'border-color': '#f59e0b', 'border-style': 'double' } },
    { selector: 'node.diff-removed', style: { 'border-width': 3, 'border-color': MISSING_COLOR, 'border-style': 'dashed', opacity: 0.45 } },
    { selector: 'node.match', style: { 'border-width': 3, 'border-color': p.selected } },
    // Presenter mode's walk: the hop lit in the selection's colour, everything else faded back.
    { selector: '.walk-dimmed', style: { opacity: 0.12 } },
    { selector: 'node.walk-lit', style: { 'underlay-color': p.selected, 'underlay-opacity': 0.45, 'underlay-padding': 10, 'border-width': 3, 'border-color': p.selected } },
    // Labels that do not fit beside their neighbours are kept (so their boxes can be measured) but not drawn.
    { selector: '.label-hidden', style: { 'text-opacity': 0 } },
    { selector: ':selected', style: { 'border-width': 4, 'border-color': p.selected, 'line-color': p.selected, 'target-arrow-color': p.selected } },
  ];
}

import { THEMES, type Theme } from '../../shared/view';

/** How each kind looks: shared by the Cytoscape stylesheet and the legend, so the two never disagree. */
export interface KindStyle {
  label: string;
  shape: string;
  /** The fill in the dark and light themes; the high-contrast theme darkens some (see THEME_PALETTE). */
  color: string;
}

export const KIND_STYLES: Record<string, KindStyle> = {
  Ingress: { label: 'Ingress', shape: 'round-tag', color: '#8b5cf6' },
  Gateway: { label: 'Gateway', shape: 'round-pentagon', color: '#a855f7' },
  HTTPRoute: { label: 'HTTPRoute', shape: 'rhomboid', color: '#c084fc' },
  GRPCRoute: { label: 'GRPCRoute', shape: 'rhomboid', color: '#d8b4fe' },
  Service: { label: 'Service', shape: 'ellipse', color: '#3b82f6' },
  EndpointSlice: { label: 'EndpointSlice', shape: 'barrel', color: '#06b6d4' },
  Pod: { label: 'Pod', shape: 'round-rectangle', color: '#22c55e' },
  Node: { label: 'Node', shape: 'rectangle', color: '#94a3b8' },
  External: { label: 'External', shape: 'octagon', color: '#f59e0b' },
};

export const PROBLEM_COLOR = '#f97316';
export const MISSING_COLOR = '#ef4444';
/** Policy isolation and the selection of a focused policy. */
export const POLICY_COLOR = '#6366f1';
export const RESTRICTED_COLOR = '#f59e0b';
/** An observed flow whose Hubble verdict the policies contradict. */
export const MISMATCH_COLOR = '#d946ef';

export const FORWARDED_COLOR = '#22c55e';

/** A view's notes: a sticky note's yellow with a dark amber edge, the same in every theme. */
export const NOTE_COLORS = { fill: '#fde68a', border: '#b45309' };

/**
 * The colours of the states drawn on nodes and edges. Colour is never the only sign of a state (each
 * has its own border, line or arrow: see graphStyles), but it should still carry on a projector.
 */
export interface StateColors {
  problem: string;
  missing: string;
  policy: string;
  restricted: string;
  mismatch: string;
  /** Observed traffic Hubble forwarded, and what policies allow. */
  forwarded: string;
  /** A compare's marks: added and changed (removed is `missing`). */
  added: string;
  changed: string;
}

const STATE_COLORS: StateColors = { problem: PROBLEM_COLOR, missing: MISSING_COLOR, policy: POLICY_COLOR, restricted: RESTRICTED_COLOR, mismatch: MISMATCH_COLOR, forwarded: FORWARDED_COLOR, added: FORWARDED_COLOR, changed: RESTRICTED_COLOR };
const KIND_COLORS: Record<string, string> = Object.fromEntries(Object.entries(KIND_STYLES).map(([kind, style]) => [kind, style.color]));

/** dark, light, and contrast: a high-contrast light theme for projectors and washed-out screens. */
export { THEMES, type Theme };
export const isTheme = (value: unknown): value is Theme => typeof value === 'string' && (THEMES as readonly string[]).includes(value);

/**
 * The colours of each theme around the kinds: text, boxes, edges; the page's background is `background`.
 * Every text colour reads at 4.5:1 or better on every fill it is drawn on (contrast.test.ts checks).
 */
export interface ThemePalette {
  background: string;
  text: string;
  /** Box titles and edge labels. */
  muted: string;
  edge: string;
  namespace: string;
  namespaceBorder: string;
  workload: string;
  /** The halo drawn around label text, so it reads over lines. */
  outline: string;
  selected: string;
  /** Text in an alarm's colour: the label of dropped traffic. */
  alarm: string;
  /** Each kind's fill, by kind. */
  kinds: Record<string, string>;
  states: StateColors;
  /** Multiplies every edge's width and every node's border: thicker lines survive a projector. */
  stroke: number;
  /** The smallest label size in px (before the zoom's label scale); edge labels and box titles are raised to it. */
  minFont: number;
}

export const THEME_PALETTE: Record<Theme, ThemePalette> = {
  dark: { background: '#0f1419', text: '#e2e8f0', muted: '#94a3b8', edge: '#64748b', namespace: '#1e293b', namespaceBorder: '#334155', workload: '#0f172a', outline: '#0f1419', selected: '#facc15', alarm: '#f87171', kinds: KIND_COLORS, states: STATE_COLORS, stroke: 1, minFont: 0 },
  light: { background: '#ffffff', text: '#0f172a', muted: '#475569', edge: '#7d8ba1', namespace: '#f1f5f9', namespaceBorder: '#cbd5e1', workload: '#ffffff', outline: '#ffffff', selected: '#ca8a04', alarm: '#b91c1c', kinds: KIND_COLORS, states: STATE_COLORS, stroke: 1, minFont: 0 },
  // Pure white, near-black text and strong lines; every fill at least 3:1 against the white.
  contrast: {
    background: '#ffffff',
    text: '#0a0a0a',
    muted: '#27303f',
    edge: '#3f4a5a',
    namespace: '#f3f4f6',
    namespaceBorder: '#4b5563',
    workload: '#ffffff',
    outline: '#ffffff',
    selected: '#a16207',
    alarm: '#991b1b',
    kinds: { Ingress: '#6d28d9', Gateway: '#9333ea', HTTPRoute: '#a21caf', GRPCRoute: '#86198f', Service: '#1d4ed8', EndpointSlice: '#0e7490', Pod: '#15803d', Node: '#475569', External: '#b45309' },
    states: { problem: '#c2410c', missing: '#b91c1c', policy: '#4338ca', restricted: '#b45309', mismatch: '#a21caf', forwarded: '#15803d', added: '#15803d', changed: '#b45309' },
    stroke: 1.5,
    minFont: 11,
  },
};

/** A kind's fill in a theme; a kind without a style is drawn in the edges' grey. */
export const kindColor = (kind: string, theme: Theme): string => THEME_PALETTE[theme].kinds[kind] ?? THEME_PALETTE[theme].edge;

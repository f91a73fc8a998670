/** How each kind looks: shared by the Cytoscape stylesheet and the legend, so the two never disagree. */
export interface KindStyle {
  label: string;
  shape: string;
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

export type Theme = 'dark' | 'light';

/** The colours of each theme around the kinds: text, boxes, edges; the page's background is `background`. */
export const THEME_PALETTE: Record<Theme, { background: string; text: string; muted: string; edge: string; namespace: string; namespaceBorder: string; workload: string; outline: string; selected: string }> = {
  dark: { background: '#0f1419', text: '#e2e8f0', muted: '#94a3b8', edge: '#64748b', namespace: '#1e293b', namespaceBorder: '#334155', workload: '#0f172a', outline: '#0f1419', selected: '#facc15' },
  light: { background: '#ffffff', text: '#0f172a', muted: '#475569', edge: '#94a3b8', namespace: '#f1f5f9', namespaceBorder: '#cbd5e1', workload: '#ffffff', outline: '#ffffff', selected: '#ca8a04' },
};

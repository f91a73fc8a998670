import { KIND_STYLES, NOTE_COLORS, THEME_PALETTE, type Theme } from './kindStyles';
import type { Topology } from '../../shared/model';
import { layoutItems, layoutTopology, type Point } from './layout';
import { projectToFit } from './projectView';
import { toElements, type GraphElement } from './toElements';

/**
 * An SVG of a drawn view, for architecture docs and slides: the elements the screen draws
 * (toElements) at the layout's places, with the kinds' shapes and colours, the borders that mark
 * findings, isolation and health, and every label as text, in the theme's palette (the
 * high-contrast theme's darker fills, thicker lines and larger small text included). `strata graph
 * -o svg` writes it from the layout code alone; the UI's export passes the positions Cytoscape shows.
 */
export interface SvgOptions {
  theme?: Theme;
  /** The document's title (the source, the level). */
  title?: string;
  /** Positions that replace the elements' own, e.g. where the user left them on screen. */
  positions?: Readonly<Record<string, Point>>;
}

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface Look {
  width: number;
  height: number;
  shape: string;
  fill: string;
  fillOpacity: number;
  stroke?: string;
  strokeWidth: number;
  dash?: string;
  double?: boolean;
  /** A compare's mark: a ring outside the border (see the stylesheet's outline). */
  ring?: { color: string; dash?: string };
  opacity: number;
}

/** Wide enough for 220 px of 11 px text, as on screen; longer labels end in an ellipsis. */
const LABEL_CHARS = 34;
const BOX_PADDING: Record<string, number> = { Namespace: 24, Workload: 10, Nodes: 16 };

/** Text as XML allows it: the five specials escaped, and what XML cannot hold at all (control characters, lone surrogates) dropped. */
const escape = (s: string) =>
  s
    // eslint-disable-next-line no-control-regex -- matching control characters is the point: XML cannot hold them
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
/** Cut by characters, not UTF-16 units, so an emoji is never split in half. */
const clip = (s: string, chars = LABEL_CHARS) => {
  const characters = [...s];
  return characters.length > chars ? `${characters.slice(0, chars - 1).join('')}…` : s;
};
const has = (element: GraphElement, cls: string) => ` ${element.classes} `.includes(` ${cls} `);
const round = (n: number) => Math.round(n * 10) / 10;

/** How a node looks: the kind's shape and colour, then the classes' borders, in the stylesheet's order. */
function lookOf(element: GraphElement, theme: Theme): Look {
  const p = THEME_PALETTE[theme];
  const s = p.states;
  const w = (width: number) => width * p.stroke;
  const kind = String(element.data.kind);
  const style = KIND_STYLES[kind];
  const folded = has(element, 'folded');
  const look: Look = { width: 30, height: 30, shape: style?.shape ?? 'ellipse', fill: p.kinds[kind] ?? p.edge, fillOpacity: 1, strokeWidth: 0, opacity: 1 };
  if (kind === 'Node') Object.assign(look, { width: 40, height: 34 });
  if (kind === 'Policy') Object.assign(look, { shape: 'tag', fill: s.policy, width: 30, height: 22 });
  if (kind === 'Note') Object.assign(look, { shape: 'round-rectangle', width: 16, height: 16, fill: NOTE_COLORS.fill, stroke: NOTE_COLORS.border, strokeWidth: 1 });
  if (folded && ['Namespace', 'Nodes', 'Zone', 'Node'].includes(kind)) Object.assign(look, { shape: 'round-rectangle', width: 216, height: 40, fill: p.namespace, stroke: p.namespaceBorder, strokeWidth: w(2) });
  if (folded && kind === 'Workload') Object.assign(look, { shape: 'round-rectangle', width: 44, height: 30, fill: p.kinds.Pod, stroke: p.namespaceBorder, strokeWidth: w(2) });
  if (has(element, 'drawn-alone')) Object.assign(look, { width: 14, height: 14 });
  if (has(element, 'synthesized')) look.fillOpacity = 0.55;
  if (folded && has(element, 'health-ok')) Object.assign(look, { stroke: s.forwarded, strokeWidth: w(2) });
  if (folded && has(element, 'health-degraded')) Object.assign(look, { stroke: s.problem, strokeWidth: w(5), dash: '6 3' });
  if (folded && has(element, 'health-failing')) Object.assign(look, { stroke: s.missing, strokeWidth: w(6) });
  if (has(element, 'problem')) Object.assign(look, { stroke: s.problem, strokeWidth: w(3), dash: undefined });
  if (has(element, 'finding-warning')) Object.assign(look, { stroke: s.problem, strokeWidth: w(3), dash: '6 3' });
  if (has(element, 'finding-error')) Object.assign(look, { stroke: s.missing, strokeWidth: w(5), dash: undefined, double: true });
  if (has(element, 'missing')) Object.assign(look, { fill: s.missing, fillOpacity: 0.25, stroke: s.missing, strokeWidth: w(2), dash: '6 3' });
  if (has(element, 'isolated-ingress') || has(element, 'isolated-egress')) Object.assign(look, { stroke: s.policy, strokeWidth: w(has(element, 'isolated-ingress') && has(element, 'isolated-egress') ? 6 : 4), dash: undefined, double: has(element, 'isolated-egress') });
  if (has(element, 'isolated-partly')) Object.assign(look, { stroke: s.policy, strokeWidth: w(4), dash: '6 3' });
  if (has(element, 'host-network')) Object.assign(look, { stroke: s.problem, strokeWidth: w(3), dash: '2 3', double: false });
  if (has(element, 'diff-added')) look.ring = { color: s.added };
  if (has(element, 'diff-changed')) look.ring = { color: s.changed, dash: '6 3' };
  if (has(element, 'diff-removed')) Object.assign(look, { ring: { color: s.missing, dash: '2 3' }, opacity: 0.45 });
  if (has(element, 'dimmed')) look.opacity = 0.15;
  return look;
}

/** Cytoscape's node shapes as SVG, centred on (x, y). */
function shapeSvg(shape: string, x: number, y: number, w: number, h: number, attributes: string): string {
  const [l, r, t, b] = [x - w / 2, x + w / 2, y - h / 2, y + h / 2];
  const polygon = (points: [number, number][]) => `<polygon points="${points.map(([px, py]) => `${round(px)},${round(py)}`).join(' ')}" ${attributes}/>`;
  switch (shape) {
    case 'ellipse':
      return `<ellipse cx="${round(x)}" cy="${round(y)}" rx="${round(w / 2)}" ry="${round(h / 2)}" ${attributes}/>`;
    case 'rectangle':
      return `<rect x="${round(l)}" y="${round(t)}" width="${round(w)}" height="${round(h)}" ${attributes}/>`;
    case 'round-rectangle':
    case 'barrel':
      return `<rect x="${round(l)}" y="${round(t)}" width="${round(w)}" height="${round(h)}" rx="${round(Math.min(w, h) / (shape === 'barrel' ? 3 : 5))}" ${attributes}/>`;
    case 'octagon': {
      const [dx, dy] = [w * 0.3, h * 0.3];
      return polygon([[l + dx, t], [r - dx, t], [r, t + dy], [r, b - dy], [r - dx, b], [l + dx, b], [l, b - dy], [l, t + dy]]);
    }
    case 'round-pentagon':
      return polygon([[x, t], [r, y - h * 0.1], [r - w * 0.2, b], [l + w * 0.2, b], [l, y - h * 0.1]]);
    case 'rhomboid':
      return polygon([[l + w * 0.3, t], [r, t], [r - w * 0.3, b], [l, b]]);
    case 'round-tag':
    case 'tag':
      return polygon([[l, t], [r - w * 0.3, t], [r, y], [r - w * 0.3, b], [l, b]]);
    default:
      return `<ellipse cx="${round(x)}" cy="${round(y)}" rx="${round(w / 2)}" ry="${round(h / 2)}" ${attributes}/>`;
  }
}

/** A label of one or two lines (name, then subtitle), as text the reader can select and search. */
function labelSvg(lines: string[], x: number, y: number, anchor: 'middle' | 'start', size: number, color: string, outline: string, bold = false): string {
  const spans = lines.map((line, i) => `<tspan x="${round(x)}" dy="${i === 0 ? 0 : round(size * 1.25)}">${escape(line)}</tspan>`).join('');
  return `<text x="${round(x)}" y="${round(y)}" text-anchor="${anchor}" font-size="${size}"${bold ? ' font-weight="bold"' : ''} fill="${color}" stroke="${outline}" stroke-width="2" paint-order="stroke">${spans}</text>`;
}

/** A note's text in lines of at most `width` characters, broken between words: a note is read whole, never cut. */
function wrapWords(text: string, width = 36): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && [...last].length + 1 + [...word].length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const labelLines = (element: GraphElement) => [String(element.data.label ?? ''), String(element.data.subtitle ?? '')].filter(Boolean).map((line) => clip(line));

type Arrow = 'triangle' | 'tee' | 'triangle-tee' | 'triangle-cross' | 'none';

/** An edge's colour, width, dash and arrow, by its type, verdict and the Policies layer's marks. */
function edgeLook(edge: GraphElement, theme: Theme): { color: string; width: number; dash?: string; arrow: Arrow; opacity: number } {
  const p = THEME_PALETTE[theme];
  const s = p.states;
  const w = (width: number) => width * p.stroke;
  const look = { color: p.edge, width: w(1.5), dash: undefined as string | undefined, arrow: 'triangle' as Arrow, opacity: 1 };
  if (has(edge, 'type-observed')) Object.assign(look, { color: s.forwarded, width: w(2.5), opacity: 0.8 });
  if (has(edge, 'verdict-dropped')) Object.assign(look, { color: s.missing, width: w(4), dash: '6 3', arrow: 'tee' });
  if (has(edge, 'type-pod-node')) Object.assign(look, { dash: '2 3', arrow: 'none' });
  if (has(edge, 'type-load-balancer')) look.color = p.kinds.External;
  if (has(edge, 'not-ready')) Object.assign(look, { color: s.problem, dash: '6 3' });
  if (has(edge, 'terminating')) Object.assign(look, { dash: '3 6', opacity: 0.5 });
  if (has(edge, 'problem')) Object.assign(look, { color: s.missing, width: w(2), arrow: 'triangle-cross' });
  if (has(edge, 'type-policy-selects')) Object.assign(look, { color: s.policy, dash: '2 3', opacity: 0.7 });
  if (has(edge, 'type-note')) Object.assign(look, { color: NOTE_COLORS.border, dash: '2 3', arrow: 'none' });
  if (has(edge, 'policy-open') || has(edge, 'policy-allowed')) look.color = s.forwarded;
  if (has(edge, 'policy-restricted')) Object.assign(look, { color: s.restricted, arrow: 'triangle-tee' });
  if (has(edge, 'policy-denied')) Object.assign(look, { color: s.missing, dash: '6 3', arrow: 'tee', width: w(3) });
  if (has(edge, 'policy-mismatch')) Object.assign(look, { color: s.mismatch, width: w(5), dash: undefined });
  if (has(edge, 'dimmed')) look.opacity = 0.15;
  return look;
}

/** The point where the segment from a node's centre towards `toward` leaves its (elliptical) outline. */
function rim(center: Point, size: { width: number; height: number }, toward: Point): Point {
  const [dx, dy] = [toward.x - center.x, toward.y - center.y];
  const length = Math.hypot(dx, dy);
  if (length === 0) return center;
  const scale = 1 / Math.hypot(dx / (size.width / 2), dy / (size.height / 2));
  return { x: center.x + dx * Math.min(scale, 1), y: center.y + dy * Math.min(scale, 1) };
}

export function toSvg(elements: readonly GraphElement[], options: SvgOptions = {}): string {
  const theme = options.theme ?? 'light';
  const p = THEME_PALETTE[theme];
  const nodes = elements.filter((e) => e.group === 'nodes');
  const byId = new Map(nodes.map((n) => [n.data.id, n]));
  const children = new Map<string, GraphElement[]>();
  for (const node of nodes) {
    const parent = node.data.parent as string | undefined;
    if (!parent) continue;
    const siblings = children.get(parent);
    if (siblings) siblings.push(node);
    else children.set(parent, [node]);
  }
  // A position that is not a number (a layout bug, a node not yet placed) is left out rather than spoiling the whole picture.
  const positionOf = (e: GraphElement) => {
    const at = options.positions?.[e.data.id] ?? e.position;
    return at && Number.isFinite(at.x) && Number.isFinite(at.y) ? at : undefined;
  };

  // Leaves first, then each box around what it holds (a namespace around its workloads' boxes).
  const looks = new Map<string, Look>();
  const extents = new Map<string, Box>();
  const extentOf = (node: GraphElement): Box | undefined => {
    if (extents.has(node.data.id)) return extents.get(node.data.id);
    let box: Box | undefined;
    const members = children.get(node.data.id);
    if (members?.length) {
      const boxes = members.map(extentOf).filter((b): b is Box => !!b);
      if (boxes.length) {
        const pad = BOX_PADDING[String(node.data.kind)] ?? 12;
        box = { x1: Math.min(...boxes.map((b) => b.x1)) - pad, y1: Math.min(...boxes.map((b) => b.y1)) - pad - 12, x2: Math.max(...boxes.map((b) => b.x2)) + pad, y2: Math.max(...boxes.map((b) => b.y2)) + pad };
      }
    } else {
      const at = positionOf(node);
      const look = lookOf(node, theme);
      looks.set(node.data.id, look);
      // Room for the label below: two lines of 11 px text; a note's text runs to its right, a line per 36 characters.
      if (at && node.data.kind === 'Note') {
        const lines = wrapWords(String(node.data.label ?? ''));
        box = { x1: at.x - look.width / 2, y1: at.y - 8, x2: at.x + look.width / 2 + 6 + 0.6 * 11 * Math.max(0, ...lines.map((l) => [...l].length)), y2: at.y + 8 + lines.length * 14 };
      } else if (at) box = { x1: at.x - look.width / 2, y1: at.y - look.height / 2, x2: at.x + look.width / 2, y2: at.y + look.height / 2 + 32 };
    }
    if (box) extents.set(node.data.id, box);
    return box;
  };
  for (const node of nodes) extentOf(node);
  const all = [...extents.values()];
  const bounds: Box = all.length ? { x1: Math.min(...all.map((b) => b.x1)) - 40, y1: Math.min(...all.map((b) => b.y1)) - 40, x2: Math.max(...all.map((b) => b.x2)) + 40, y2: Math.max(...all.map((b) => b.y2)) + 40 } : { x1: 0, y1: 0, x2: 200, y2: 100 };

  const out: string[] = [];
  // Boxes behind everything: namespaces, then workloads, as Cytoscape stacks compound parents.
  const boxes = nodes.filter((n) => children.has(n.data.id) && extents.has(n.data.id)).sort((a, b) => (a.data.kind === 'Namespace' || a.data.kind === 'Nodes' ? 0 : 1) - (b.data.kind === 'Namespace' || b.data.kind === 'Nodes' ? 0 : 1));
  for (const box of boxes) {
    const b = extents.get(box.data.id)!;
    const workload = box.data.kind === 'Workload';
    const attributes = workload
      ? `fill="${p.workload}" fill-opacity="0.5" stroke="${p.kinds.Pod}" stroke-width="${p.stroke}" stroke-dasharray="4 3"`
      : `fill="${p.namespace}" fill-opacity="0.6" stroke="${p.namespaceBorder}" stroke-width="${p.stroke}"`;
    out.push(`<g class="box" data-id="${escape(box.data.id)}"><rect x="${round(b.x1)}" y="${round(b.y1)}" width="${round(b.x2 - b.x1)}" height="${round(b.y2 - b.y1)}" rx="8" ${attributes}/>`);
    out.push(`${labelSvg([clip(String(box.data.label ?? ''), 60)], b.x1 + 8, b.y1 + (workload ? 12 : 16), 'start', workload ? Math.max(10, p.minFont) : 13, p.muted, p.outline, !workload)}</g>`);
  }

  // One marker per arrow and colour used: SVG 1.1 renderers (slide and office importers) have no context-stroke.
  const markers = new Map<string, string>();
  const markerFor = (arrow: Exclude<Arrow, 'none'>, color: string) => {
    const id = `${arrow}-${color.replace(/[^0-9a-z]/gi, '')}`;
    if (!markers.has(id)) {
      // The triangle-tee's bar stands before the head (a gate the traffic passes); the cross strikes through the line before it.
      const bar = `<path d="M9,0 L9,10" stroke="${color}" stroke-width="3"/>`;
      const head = (from: number) => `<path d="M${from},0 L${from + 6},5 L${from},10 z" fill="${color}"/>`;
      const paths: Record<Exclude<Arrow, 'none'>, string> = {
        tee: bar,
        triangle: `<path d="M0,0 L10,5 L0,10 z" fill="${color}"/>`,
        'triangle-tee': `<path d="M1,0 L1,10" stroke="${color}" stroke-width="2"/>${head(4)}`,
        'triangle-cross': `<path d="M0,1 L4,9 M4,1 L0,9" stroke="${color}" stroke-width="1.5"/>${head(4)}`,
      };
      markers.set(id, `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">${paths[arrow]}</marker>`);
    }
    return id;
  };
  for (const edge of elements.filter((e) => e.group === 'edges')) {
    const [source, target] = [byId.get(edge.data.source as string), byId.get(edge.data.target as string)];
    const [from, to] = [source && positionOf(source), target && positionOf(target)];
    if (!from || !to) continue;
    const look = edgeLook(edge, theme);
    // Observed traffic curves as on screen (see trafficBend): the control point stands `bend` to the
    // right of the straight line's middle, as Cytoscape's control-point-distances measure it.
    const bend = typeof edge.data.bend === 'number' ? edge.data.bend : 0;
    const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
    const control = { x: (from.x + to.x) / 2 - ((to.y - from.y) / length) * bend, y: (from.y + to.y) / 2 + ((to.x - from.x) / length) * bend };
    const a = rim(from, looks.get(source!.data.id) ?? { width: 30, height: 30 }, bend ? control : to);
    const z = rim(to, looks.get(target!.data.id) ?? { width: 30, height: 30 }, bend ? control : from);
    const marker = look.arrow === 'none' ? '' : ` marker-end="url(#${markerFor(look.arrow, look.color)})"`;
    const stroke = `stroke="${look.color}" stroke-width="${look.width}"${look.dash ? ` stroke-dasharray="${look.dash}"` : ''}${look.opacity < 1 ? ` opacity="${look.opacity}"` : ''}${marker}`;
    out.push(bend ? `<path d="M${round(a.x)},${round(a.y)} Q${round(control.x)},${round(control.y)} ${round(z.x)},${round(z.y)}" fill="none" ${stroke}/>` : `<line x1="${round(a.x)}" y1="${round(a.y)}" x2="${round(z.x)}" y2="${round(z.y)}" ${stroke}/>`);
    const label = String(edge.data.label ?? '');
    // A quadratic curve passes halfway to its control point.
    const middle = { x: ((a.x + z.x) / 2 + control.x) / 2, y: ((a.y + z.y) / 2 + control.y) / 2 };
    const dropped = has(edge, 'type-observed') && has(edge, 'verdict-dropped');
    if (label) out.push(labelSvg([clip(label, 40)], bend ? middle.x : (a.x + z.x) / 2, (bend ? middle.y : (a.y + z.y) / 2) - 4, 'middle', Math.max(dropped ? 11 : 9, p.minFont), dropped ? p.alarm : p.muted, p.outline, dropped));
  }

  for (const node of nodes) {
    const look = looks.get(node.data.id);
    const at = positionOf(node);
    if (!look || !at) continue;
    const stroke = look.stroke ? ` stroke="${look.stroke}" stroke-width="${look.double ? look.strokeWidth / 2.5 : look.strokeWidth}"${look.dash ? ` stroke-dasharray="${look.dash}"` : ''}` : '';
    const group: string[] = [`<g class="node kind-${escape(String(node.data.kind))}" data-id="${escape(node.data.id)}"${look.opacity < 1 ? ` opacity="${look.opacity}"` : ''}>`];
    group.push(shapeSvg(look.shape, at.x, at.y, look.width, look.height, `fill="${look.fill}"${look.fillOpacity < 1 ? ` fill-opacity="${look.fillOpacity}"` : ''}${stroke}`));
    // A double border, as Cytoscape draws it for an error finding or egress isolation: a second ring outside.
    if (look.double && look.stroke) group.push(shapeSvg(look.shape, at.x, at.y, look.width + look.strokeWidth * 1.6, look.height + look.strokeWidth * 1.6, `fill="none" stroke="${look.stroke}" stroke-width="${look.strokeWidth / 2.5}"`));
    // A compare's ring, outside the border (3 wide, 2 away, as the stylesheet's outline).
    if (look.ring) {
      const ring = 3 * THEME_PALETTE[theme].stroke;
      const grow = 2 * (look.strokeWidth / 2 + 2 + ring / 2);
      group.push(shapeSvg(look.shape, at.x, at.y, look.width + grow, look.height + grow, `fill="none" stroke="${look.ring.color}" stroke-width="${ring}"${look.ring.dash ? ` stroke-dasharray="${look.ring.dash}"` : ''}`));
    }
    const folded = has(node, 'folded') && look.width > 100;
    if (node.data.kind === 'Note') group.push(labelSvg(wrapWords(String(node.data.label ?? '')), at.x + look.width / 2 + 6, at.y + 4, 'start', 11, p.text, p.outline));
    else group.push(folded ? labelSvg(labelLines(node), at.x, at.y - 3, 'middle', 11, p.text, p.outline) : labelSvg(labelLines(node), at.x, at.y + look.height / 2 + 14, 'middle', has(node, 'drawn-alone') ? 6 : 11, p.text, p.outline));
    out.push(`${group.join('')}</g>`);
  }

  const [width, height] = [round(bounds.x2 - bounds.x1), round(bounds.y2 - bounds.y1)];
  const title = options.title ? `<title>${escape(options.title)}</title>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${round(bounds.x1)} ${round(bounds.y1)} ${width} ${height}" width="${width}" height="${height}" font-family="Inter, system-ui, sans-serif">`,
    title,
    `<defs>${[...markers.values()].join('')}</defs>`,
    `<rect x="${round(bounds.x1)}" y="${round(bounds.y1)}" width="${width}" height="${height}" fill="${p.background}"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

/** Past this many drawn nodes an SVG is a wall of dots: pods fold into workloads, then everything into namespaces. */
export const SVG_NODE_LIMIT = 2000;

/** `strata graph -o svg`: the topology laid out by the same code as the screen, folded to fit, as an SVG. */
export function topologySvg(topology: Topology, options: { theme?: Theme; title?: string; limit?: number } = {}): string {
  const { view, folded } = projectToFit(topology, options.limit ?? SVG_NODE_LIMIT);
  const layout = layoutTopology(layoutItems(view, view.level));
  const note = folded ? ` (${topology.nodes.length} objects: ${folded === 'namespace' ? 'pods folded into their workloads' : 'folded into namespaces'})` : '';
  return toSvg(toElements(view, layout), { theme: options.theme, title: `${options.title ?? 'Strata'}${note}` });
}

import { describe, expect, it } from 'vitest';
import { buildTopology } from '../topology/buildTopology';
import { node, pod, service } from '../testing/manifests';
import type { GraphElement } from './toElements';
import { topologySvg, toSvg } from './toSvg';

const element = (id: string, kind: string, classes: string, position?: { x: number; y: number }, extra: Record<string, unknown> = {}): GraphElement => ({
  group: 'nodes',
  data: { id, kind, label: id.split('/').at(-1)!, subtitle: '', ...extra },
  ...(position ? { position } : {}),
  classes: `kind-${kind} ${classes}`.trim(),
});

describe('toSvg', () => {
  it('draws each node in its kind’s shape with its label as text, escaped', () => {
    const svg = toSvg([element('Service/shop/a<b>&"c"', 'Service', '', { x: 0, y: 0 }), element('Pod/shop/web-1', 'Pod', '', { x: 240, y: 0 })]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="[-\d. ]+"/);
    expect(svg).toContain('<ellipse cx="0" cy="0" rx="15" ry="15" fill="#3b82f6"');
    expect(svg).toContain('<rect x="225" y="-15" width="30" height="30" rx="6" fill="#22c55e"');
    expect(svg).toContain('>a&lt;b&gt;&amp;&quot;c&quot;</tspan>');
    expect(svg).toContain('>web-1</tspan>');
  });

  it('marks findings by the border’s pattern as well as its colour: double for an error, dashed for a warning', () => {
    const svg = toSvg([element('Service/shop/typo', 'Service', 'finding-error', { x: 0, y: 0 }), element('Service/shop/half', 'Service', 'finding-warning', { x: 0, y: 100 })]);
    const typo = svg.slice(svg.indexOf('data-id="Service/shop/typo"'), svg.indexOf('</g>', svg.indexOf('data-id="Service/shop/typo"')));
    expect(typo.match(/<ellipse/g)).toHaveLength(2);
    expect(typo).toContain('stroke="#ef4444"');
    expect(svg.slice(svg.indexOf('data-id="Service/shop/half"'))).toContain('stroke-dasharray="6 3"');
  });

  it('draws boxes around their members, and takes positions from the screen when given', () => {
    const members = [element('Namespace/shop', 'Namespace', 'aggregate expanded'), element('Pod/shop/a', 'Pod', '', { x: 0, y: 0 }, { parent: 'Namespace/shop' })];
    const svg = toSvg(members, { positions: { 'Pod/shop/a': { x: 500, y: 300 } } });
    expect(svg).toContain('<rect x="485" y="285" width="30" height="30"');
    // The box holds the pod (padding 24, a title line above) and its label below.
    expect(svg).toMatch(/data-id="Namespace\/shop"><rect x="461" y="249"/);
  });

  it('stays well-formed XML for any name: control characters and lone surrogates dropped, emoji never cut in half, unplaced nodes left out', () => {
    const svg = toSvg([element('Pod/shop/a\u0001b\ud800', 'Pod', '', { x: 0, y: 0 }), element('Pod/shop/nan', 'Pod', '', { x: Number.NaN, y: 0 }), element(`Pod/shop/${'😀'.repeat(40)}`, 'Pod', '', { x: 100, y: 0 })]);
    expect(svg).toContain('>ab</tspan>');
    expect(svg).not.toContain('NaN');
    expect(svg).not.toContain('data-id="Pod/shop/nan"');
    expect(svg).toContain(`>${'😀'.repeat(33)}…</tspan>`);
  });

  it('curves observed traffic as the screen does: within a column it bows out to the right', () => {
    const pods = [element('Pod/shop/a', 'Pod', '', { x: 0, y: 0 }), element('Pod/shop/b', 'Pod', '', { x: 0, y: 400 })];
    const edge: GraphElement = { group: 'edges', data: { id: 'observed:a->b', source: 'Pod/shop/a', target: 'Pod/shop/b', label: '2 flows', type: 'observed', bend: -150 }, classes: 'type-observed verdict-forwarded' };
    const svg = toSvg([...pods, edge]);
    const [, controlX, controlY] = /<path d="M[-\d.]+,[-\d.]+ Q([-\d.]+),([-\d.]+) /.exec(svg)!;
    expect(Number(controlX)).toBe(150);
    expect(Number(controlY)).toBe(200);
    // Its label sits on the curve, halfway out.
    expect(svg).toMatch(/<text x="79.5" y="196"[^>]*><tspan[^>]*>2 flows</);
  });

  it('draws the high-contrast theme: a white page, near-black text, darker fills, thicker lines and larger edge labels', () => {
    const pods = [element('Pod/shop/a', 'Pod', 'finding-warning', { x: 0, y: 0 }), element('Pod/shop/b', 'Pod', '', { x: 200, y: 0 })];
    const edge: GraphElement = { group: 'edges', data: { id: 'a->b', source: 'Pod/shop/a', target: 'Pod/shop/b', label: '80/TCP' }, classes: 'type-backend' };
    const svg = toSvg([...pods, edge], { theme: 'contrast' });
    expect(svg).toMatch(/<rect x="[-\d.]+" y="[-\d.]+" width="[\d.]+" height="[\d.]+" fill="#ffffff"\/>/);
    // The Pod's green darkened to 5:1 on white; the warning's dashed border 1.5 times as wide.
    expect(svg).toContain('fill="#15803d" stroke="#c2410c" stroke-width="4.5" stroke-dasharray="6 3"');
    expect(svg).toContain('fill="#0a0a0a" stroke="#ffffff"');
    expect(svg).toMatch(/<line [^>]*stroke="#3f4a5a" stroke-width="2.25"/);
    expect(svg).toMatch(/font-size="11" fill="#27303f"[^>]*><tspan[^>]*>80\/TCP</);
    expect(toSvg([...pods, edge], { theme: 'light' })).toMatch(/font-size="9" fill="#475569"[^>]*><tspan[^>]*>80\/TCP</);
  });

  it('tells states apart by more than colour: a barred arrow for restricted, a crossed one for a problem, rings for a compare', () => {
    const pods = [element('Pod/shop/a', 'Pod', 'diff-added', { x: 0, y: 0 }), element('Pod/shop/b', 'Pod', 'diff-changed', { x: 200, y: 0 }), element('Pod/shop/c', 'Pod', 'host-network', { x: 400, y: 0 })];
    const edges: GraphElement[] = [
      { group: 'edges', data: { id: 'a->b', source: 'Pod/shop/a', target: 'Pod/shop/b', label: '' }, classes: 'type-backend policy-restricted' },
      { group: 'edges', data: { id: 'b->c', source: 'Pod/shop/b', target: 'Pod/shop/c', label: '' }, classes: 'type-backend problem' },
    ];
    const svg = toSvg([...pods, ...edges], { theme: 'contrast' });
    expect(svg).toContain('marker-end="url(#triangle-tee-b45309)"');
    expect(svg).toContain('marker-end="url(#triangle-cross-b91c1c)"');
    const ring = (id: string) => svg.slice(svg.indexOf(`data-id="${id}"`), svg.indexOf('</g>', svg.indexOf(`data-id="${id}"`)));
    expect(ring('Pod/shop/a')).toMatch(/fill="none" stroke="#15803d" stroke-width="4.5"\/>/);
    expect(ring('Pod/shop/b')).toMatch(/fill="none" stroke="#b45309" stroke-width="4.5" stroke-dasharray="6 3"\/>/);
    expect(ring('Pod/shop/c')).toContain('stroke-dasharray="2 3"');
  });

  it('draws a view’s note as a sticky note with its text beside it, wrapped between words, never cut', () => {
    const note = element('note:0:Deployment/shop/checkout', 'Note', '', { x: 100, y: 0 }, { label: 'Checkout calls payments here, and every call has been dropped since 02:13' });
    const svg = toSvg([note]);
    expect(svg).toContain('fill="#fde68a" stroke="#b45309"');
    expect(svg).toContain('text-anchor="start"');
    expect(svg).toContain('>Checkout calls payments here, and</tspan>');
    expect(svg).toContain('>every call has been dropped since</tspan>');
    expect(svg).toContain('>02:13</tspan>');
    // The picture is wide enough for the note's longest line.
    const [, , width] = /viewBox="([-\d.]+) [-\d.]+ ([\d.]+)/.exec(svg)!;
    expect(Number(width)).toBeGreaterThan(33 * 0.6 * 11);
  });

  it('joins a note to its object with a dotted line and no arrow', () => {
    const svg = toSvg([
      element('Service/shop/cart', 'Service', '', { x: 0, y: 0 }),
      element('note:0:Service/shop/cart', 'Note', '', { x: 110, y: -34 }, { label: 'typo' }),
      { group: 'edges', data: { id: 'note:0:Service/shop/cart->', source: 'note:0:Service/shop/cart', target: 'Service/shop/cart', label: '', type: 'note' }, classes: 'type-note' },
    ]);
    expect(svg).toMatch(/<line [^>]*stroke="#b45309"[^>]*stroke-dasharray="2 3"[^>]*\/>/);
    expect(svg).not.toMatch(/<line [^>]*stroke="#b45309"[^>]*marker-end/);
  });

  it('lays a topology out with the screen’s layout code', () => {
    const topology = buildTopology({ objects: [service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), pod('shop', 'web-7f9c8d6b5-x2kq', { labels: { app: 'web' }, ip: '10.0.0.1', node: 'node-a' }), node('node-a')] });
    const svg = topologySvg(topology, { title: 'Strata: test' });
    expect(svg).toContain('<title>Strata: test</title>');
    expect(svg).toContain('>web</tspan>');
    expect(svg).toContain('>node-a</tspan>');
  });
});

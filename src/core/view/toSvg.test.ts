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

  it('lays a topology out with the screen’s layout code', () => {
    const topology = buildTopology({ objects: [service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), pod('shop', 'web-7f9c8d6b5-x2kq', { labels: { app: 'web' }, ip: '10.0.0.1', node: 'node-a' }), node('node-a')] });
    const svg = topologySvg(topology, { title: 'Strata: test' });
    expect(svg).toContain('<title>Strata: test</title>');
    expect(svg).toContain('>web</tspan>');
    expect(svg).toContain('>node-a</tspan>');
  });
});

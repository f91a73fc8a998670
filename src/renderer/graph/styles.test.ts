import { describe, expect, it } from 'vitest';
import { THEMES } from '../../core/view/kindStyles';
import { graphStyles as stylesheet, subtitleLines } from './styles';

type Style = Record<string, unknown>;
interface Rule {
  selector: string;
  style: Style;
}

const graphStyles = (...args: Parameters<typeof stylesheet>) => stylesheet(...args) as unknown as Rule[];

/** A state as toElements marks it: the element's group and the classes that make the state. */
interface State {
  name: string;
  group: 'node' | 'edge';
  classes: string[];
}

const node = (name: string, ...classes: string[]): State => ({ name, group: 'node', classes: classes.length ? classes : [name] });
const edge = (name: string, ...classes: string[]): State => ({ name, group: 'edge', classes: classes.length ? classes : [name] });

const STATES: State[] = [
  node('problem'),
  node('finding-warning'),
  node('finding-error'),
  node('missing'),
  node('isolated-ingress'),
  node('isolated-egress'),
  node('isolated-ingress and egress', 'isolated-ingress', 'isolated-egress'),
  node('isolated-partly'),
  node('host-network'),
  node('diff-added'),
  node('diff-changed'),
  node('diff-removed'),
  node('health-ok', 'aggregate', 'folded', 'health-ok'),
  node('health-degraded', 'aggregate', 'folded', 'health-degraded'),
  node('health-failing', 'aggregate', 'folded', 'health-failing'),
  edge('not-ready'),
  edge('terminating'),
  edge('edge problem', 'problem'),
  edge('traffic observed', 'type-observed', 'verdict-forwarded'),
  edge('traffic dropped', 'type-observed', 'verdict-dropped'),
  edge('policy-allowed'),
  edge('policy-restricted'),
  edge('policy-denied'),
  edge('policy-mismatch'),
];

/** What a plain element looks like apart from its colours, so that "not set" and "set to the default" compare equal. */
const DEFAULTS: Record<State['group'], Style> = {
  node: { 'border-width': 0, 'border-style': 'solid', 'outline-width': 0, 'outline-style': 'solid', opacity: 1, 'background-opacity': 1 },
  edge: { 'line-style': 'solid', opacity: 1 },
};

const isColour = (property: string) => property.includes('color');

/** Whether one simple selector (`node.a.b`, `edge.c`) applies to a state's element; pseudo-classes never do here. */
function applies(selector: string, state: State): boolean {
  const [group, ...classes] = selector.trim().split('.');
  if (group !== state.group && group !== '') return false;
  return classes.length > 0 && classes.every((c) => state.classes.includes(c));
}

/**
 * The properties other than colour that the state's own rules set, over the plain element's: what
 * is left to tell the state when colours wash out or cannot be told apart.
 */
function nonColourLook(rules: Rule[], state: State): Style {
  const base = rules.find((r) => r.selector === state.group)!.style;
  const look: Style = { ...DEFAULTS[state.group], ...base };
  for (const rule of rules) if (rule.selector.split(',').some((s) => applies(s, state))) Object.assign(look, rule.style);
  return Object.fromEntries(Object.entries(look).filter(([property, value]) => !isColour(property) && typeof value !== 'function'));
}

const differs = (a: Style, b: Style) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((p) => JSON.stringify(a[p]) !== JSON.stringify(b[p]));

describe.each(THEMES)('graphStyles in the %s theme', (theme) => {
  const rules = graphStyles(theme);
  const looks = new Map(STATES.map((state) => [state.name, nonColourLook(rules, state)]));

  it('tells every state from every other of its kind by more than colour (a border, a dash, an arrow, a width)', () => {
    const sameButColour: string[] = [];
    for (const [i, a] of STATES.entries())
      for (const b of STATES.slice(i + 1)) if (a.group === b.group && differs(looks.get(a.name)!, looks.get(b.name)!).length === 0) sameButColour.push(`${a.name} / ${b.name}`);
    expect(sameButColour).toEqual([]);
  });

  // Except "policies allow from anyone", which is meant to look like any other connection.
  it('tells every state but policy-allowed from a plain element by more than colour', () => {
    const plain = STATES.filter((state) => state.name !== 'policy-allowed' && differs(looks.get(state.name)!, nonColourLook(rules, { name: 'plain', group: state.group, classes: [] })).length === 0);
    expect(plain.map((s) => s.name)).toEqual([]);
  });
});

describe('the high-contrast theme', () => {
  const width = (rules: Rule[], selector: string, property: string) => rules.find((r) => r.selector === selector)!.style[property] as number;

  it('draws edges and state borders thicker than the light theme, and edge labels larger', () => {
    const [light, contrast] = [graphStyles('light'), graphStyles('contrast')];
    expect(width(contrast, 'edge', 'width')).toBeGreaterThan(width(light, 'edge', 'width'));
    expect(width(contrast, 'node.finding-warning', 'border-width')).toBeGreaterThan(width(light, 'node.finding-warning', 'border-width'));
    expect(width(contrast, 'edge', 'font-size')).toBeGreaterThan(width(light, 'edge', 'font-size'));
  });

  it('keeps the label scale: labels grow with it', () => {
    const scaled = graphStyles('contrast', 2);
    expect(width(scaled, 'edge', 'font-size')).toBe(2 * width(graphStyles('contrast'), 'edge', 'font-size'));
  });
});

describe('subtitleLines', () => {
  it("puts a subtitle's facts on lines of about 30 characters, never splitting one", () => {
    expect(subtitleLines('300/300 pods ready · 20 workloads · 20 Services · ⚠ 3 problems')).toBe('300/300 pods ready\n20 workloads · 20 Services\n⚠ 3 problems');
    expect(subtitleLines('Deployment · 10/10 ready')).toBe('Deployment · 10/10 ready');
    // A fact longer than a line stands alone on its own (Cytoscape wraps it, if it must).
    expect(subtitleLines('3 pods · isolated: 3/3 in, 3/3 out, and more besides')).toBe('3 pods\nisolated: 3/3 in, 3/3 out, and more besides');
    expect(subtitleLines('')).toBe('');
  });
});

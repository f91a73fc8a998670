import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KIND_STYLES, THEME_PALETTE, THEMES, type Theme } from '../../core/view/kindStyles';

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio, from 1 to 21. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** `top` at `opacity` over `under`, as a box is drawn over the page. */
function over(top: string, opacity: number, under: string): string {
  const channel = (hex: string, i: number) => parseInt(hex.slice(i, i + 2), 16);
  return `#${[1, 3, 5].map((i) => Math.round(channel(top, i) * opacity + channel(under, i) * (1 - opacity)).toString(16).padStart(2, '0')).join('')}`;
}

const TEXT = 4.5;
const LINES = 3;

/** Each pair of a colour and what it is drawn on, named, that falls below `minimum`. */
function failures(pairs: [string, string, string, string][], minimum: number): string[] {
  return pairs.filter(([, fg, , bg]) => contrast(fg, bg) < minimum).map(([what, fg, on, bg]) => `${what} ${fg} on ${on} ${bg}: ${contrast(fg, bg).toFixed(2)}:1`);
}

/** The fills a graph label can sit on: the page, a namespace box over it, a workload box over that, and the label's own outline. */
function backgroundsOf(theme: Theme): [string, string][] {
  const p = THEME_PALETTE[theme];
  const namespaceBox = over(p.namespace, 0.6, p.background);
  return [
    ['the background', p.background],
    ['a namespace fill', p.namespace],
    ['a namespace box', namespaceBox],
    ['a workload fill', p.workload],
    ['a workload box', over(p.workload, 0.5, namespaceBox)],
    ['the label outline', p.outline],
  ];
}

describe.each(THEMES)('the %s theme’s graph colours', (theme) => {
  const p = THEME_PALETTE[theme];

  it('draws label text, muted text (box titles, edge labels) and dropped-traffic labels at 4.5:1 or better on every fill', () => {
    const texts: [string, string][] = [['text', p.text], ['muted', p.muted], ['alarm', p.alarm]];
    const pairs = texts.flatMap(([what, fg]) => backgroundsOf(theme).map(([on, bg]): [string, string, string, string] => [what, fg, on, bg]));
    expect(failures(pairs, TEXT)).toEqual([]);
  });

  it('draws edges at 3:1 or better on the background and on namespace boxes', () => {
    expect(failures([['edge', p.edge, 'the background', p.background], ['edge', p.edge, 'a namespace fill', p.namespace]], LINES)).toEqual([]);
  });
});

describe('the high-contrast theme', () => {
  const p = THEME_PALETTE.contrast;

  it('is pure white with near-black text', () => {
    expect(p.background).toBe('#ffffff');
    expect(contrast(p.text, p.background)).toBeGreaterThanOrEqual(19);
  });

  it('fills every kind and draws every state at 3:1 or better against the white', () => {
    const fills = Object.keys(KIND_STYLES).map((kind): [string, string, string, string] => [kind, p.kinds[kind], 'the background', p.background]);
    const states = Object.entries(p.states).map(([state, color]): [string, string, string, string] => [state, color, 'the background', p.background]);
    const chrome: [string, string, string, string][] = [['box border', p.namespaceBorder, 'the background', p.background], ['selection', p.selected, 'the background', p.background]];
    expect(failures([...fills, ...states, ...chrome], LINES)).toEqual([]);
  });

  it('draws lines and borders thicker, and small text larger', () => {
    expect(p.stroke).toBeGreaterThan(THEME_PALETTE.light.stroke);
    expect(p.minFont).toBeGreaterThanOrEqual(11);
  });
});

/** The page chrome's variables per theme, as src/renderer/styles.css declares them. */
function chromeThemes(): Record<string, Record<string, string>> {
  const css = readFileSync(new URL('../styles.css', import.meta.url), 'utf8');
  const themes: Record<string, Record<string, string>> = {};
  for (const [, selectors, body] of css.matchAll(/((?:(?::root|\[data-theme='[a-z]+'\])\s*,?\s*)+)\{([^}]*)\}/g)) {
    const variables = Object.fromEntries([...body.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map(([, name, value]) => [name, value.toLowerCase()]));
    for (const [, name] of selectors.matchAll(/\[data-theme='([a-z]+)'\]/g)) themes[name] = { ...themes[name], ...variables };
  }
  return themes;
}

describe('the page chrome (styles.css)', () => {
  const themes = chromeThemes();

  it('declares every theme of the graph', () => {
    expect(Object.keys(themes).sort()).toEqual([...THEMES].sort());
  });

  it.each(THEMES)('draws text, muted text, links and status colours at 4.5:1 or better on the %s theme’s background and panels', (theme) => {
    const v = themes[theme];
    const pairs = ['text', 'muted', 'accent', 'error', 'warning', 'ok'].flatMap((fg) => ['bg', 'panel'].map((bg): [string, string, string, string] => [`--${fg}`, v[fg], `--${bg}`, v[bg]]));
    expect(pairs.filter(([, fg, , bg]) => !fg || !bg)).toEqual([]);
    expect(failures(pairs, TEXT)).toEqual([]);
  });
});

import { useSyncExternalStore, type CSSProperties } from 'react';
import { isTheme, KIND_STYLES, THEME_PALETTE, type Theme } from '../../core/view/kindStyles';

const SHAPE_CLASS: Record<string, string> = { ellipse: 'round', octagon: 'oct', rhomboid: 'skew', 'round-tag': 'tag', 'round-pentagon': 'pent', barrel: 'barrel' };

/** The page's theme, as App sets it on <html data-theme>; followed as it changes. */
function subscribeToTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
const pageTheme = (): Theme => {
  const theme = document.documentElement.dataset.theme;
  return isTheme(theme) ? theme : 'dark';
};

/** A node's ring as the stylesheet draws it: its pattern and width say the state, the colour repeats it. */
function Ring({ color, style = 'solid', width = 3, fill }: { color: string; style?: CSSProperties['borderStyle']; width?: number; fill?: string }) {
  return <span className="swatch outline" style={{ borderColor: color, borderStyle: style, borderWidth: width, ...(fill ? { background: fill } : {}) }} aria-hidden="true" />;
}

/** An edge as the stylesheet draws it: dash, width and arrowhead. */
function Line({ color, dash, width = 2, arrow = 'triangle', opacity = 1 }: { color: string; dash?: string; width?: number; arrow?: 'triangle' | 'tee' | 'triangle-tee' | 'triangle-cross'; opacity?: number }) {
  const head = <path d="M17,1 L24,5 L17,9 z" fill={color} />;
  return (
    <svg className="legend-line" width="26" height="10" viewBox="0 0 26 10" aria-hidden="true" style={{ opacity }}>
      <line x1="1" y1="5" x2={arrow === 'tee' ? 23 : 17} y2="5" stroke={color} strokeWidth={width} strokeDasharray={dash} />
      {arrow === 'tee' ? <path d="M24,0 L24,10" stroke={color} strokeWidth="3" /> : head}
      {arrow === 'triangle-tee' && <path d="M14,0 L14,10" stroke={color} strokeWidth="2" />}
      {arrow === 'triangle-cross' && <path d="M10,1 L15,9 M15,1 L10,9" stroke={color} strokeWidth="1.5" />}
    </svg>
  );
}

/** What the shapes, colours and line styles mean, in the page's theme (or `theme`). */
export function Legend({ policies = false, theme }: { policies?: boolean; theme?: Theme }) {
  const shown = useSyncExternalStore(subscribeToTheme, pageTheme, () => 'dark' as const);
  const p = THEME_PALETTE[theme ?? shown];
  const s = p.states;
  return (
    <section className="legend" aria-label="Legend">
      <ul>
        {Object.entries(KIND_STYLES).map(([kind, style]) => (
          <li key={kind}>
            <span className={`swatch shape-${SHAPE_CLASS[style.shape] ?? 'box'}`} style={{ background: p.kinds[kind] ?? style.color }} aria-hidden="true" />
            {style.label}
          </li>
        ))}
        <li>
          <Ring color={s.problem} />
          has a problem
        </li>
        <li>
          <Ring color={s.missing} style="double" width={4} />
          error finding (see Problems)
        </li>
        <li>
          <Ring color={s.problem} style="dashed" width={2} />
          warning finding
        </li>
        <li>
          <Ring color={s.missing} style="dashed" width={2} fill={`${s.missing}40`} />
          missing (referenced, not there)
        </li>
        <li>
          <Ring color={s.forwarded} width={1} />
          folded: all ready (thin ring)
        </li>
        <li>
          <Ring color={s.problem} style="dashed" width={3} />
          folded: some not ready (broken ring)
        </li>
        <li>
          <Ring color={s.missing} width={4} />
          folded: half or more not ready (thick ring)
        </li>
        <li>
          <Line color={s.problem} dash="4 2" />
          endpoint not ready
        </li>
        <li>
          <Line color={p.edge} dash="2 4" opacity={0.5} />
          endpoint terminating (faded)
        </li>
        <li>
          <Line color={s.missing} arrow="triangle-cross" />
          connection with a problem
        </li>
        <li>
          <Line color={s.forwarded} width={3} />
          traffic observed
        </li>
        <li>
          <Line color={s.missing} dash="4 2" width={3} arrow="tee" />
          traffic dropped
        </li>
        {policies && (
          <>
            <li>
              <Ring color={s.policy} />
              isolated for ingress
            </li>
            <li>
              <Ring color={s.policy} style="double" width={4} />
              isolated for egress (both: thicker)
            </li>
            <li>
              <Ring color={s.policy} style="dashed" width={2} />
              some of its pods isolated
            </li>
            <li>
              <Ring color={s.problem} style="dotted" />
              host network (policy behaviour undefined)
            </li>
            <li>
              <Line color={s.forwarded} />
              policies allow from anyone
            </li>
            <li>
              <Line color={s.restricted} arrow="triangle-tee" />
              allowed from some sources (barred arrow)
            </li>
            <li>
              <Line color={s.missing} dash="4 2" width={3} arrow="tee" />
              policies deny
            </li>
            <li>
              <Line color={s.mismatch} width={4} />
              Hubble disagrees with the policies
            </li>
          </>
        )}
      </ul>
    </section>
  );
}

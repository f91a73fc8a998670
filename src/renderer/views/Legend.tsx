import { FORWARDED_COLOR, KIND_STYLES, MISSING_COLOR, PROBLEM_COLOR } from '../graph/kinds';

const SHAPE_CLASS: Record<string, string> = { ellipse: 'round', octagon: 'oct', rhomboid: 'skew', 'round-tag': 'tag', 'round-pentagon': 'pent', barrel: 'barrel' };

/** What the shapes, colours and line styles mean. */
export function Legend() {
  return (
    <section className="legend" aria-label="Legend">
      <ul>
        {Object.entries(KIND_STYLES).map(([kind, style]) => (
          <li key={kind}>
            <span className={`swatch shape-${SHAPE_CLASS[style.shape] ?? 'box'}`} style={{ background: style.color }} aria-hidden="true" />
            {style.label}
          </li>
        ))}
        <li>
          <span className="swatch outline" style={{ borderColor: PROBLEM_COLOR }} aria-hidden="true" />
          has a problem
        </li>
        <li>
          <span className="swatch outline dashed" style={{ borderColor: MISSING_COLOR }} aria-hidden="true" />
          missing (referenced, not there)
        </li>
        <li>
          <span className="line dashed" style={{ borderColor: PROBLEM_COLOR }} aria-hidden="true" />
          endpoint not ready
        </li>
        <li>
          <span className="line" style={{ borderColor: FORWARDED_COLOR }} aria-hidden="true" />
          traffic observed
        </li>
        <li>
          <span className="line dashed thick" style={{ borderColor: MISSING_COLOR }} aria-hidden="true" />
          traffic dropped
        </li>
      </ul>
    </section>
  );
}

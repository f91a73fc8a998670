import { FORWARDED_COLOR, KIND_STYLES, MISMATCH_COLOR, MISSING_COLOR, POLICY_COLOR, PROBLEM_COLOR, RESTRICTED_COLOR } from '../../core/view/kindStyles';

const SHAPE_CLASS: Record<string, string> = { ellipse: 'round', octagon: 'oct', rhomboid: 'skew', 'round-tag': 'tag', 'round-pentagon': 'pent', barrel: 'barrel' };

/** What the shapes, colours and line styles mean. */
export function Legend({ policies = false }: { policies?: boolean }) {
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
          <span className="swatch outline double" style={{ borderColor: MISSING_COLOR }} aria-hidden="true" />
          error finding (see Problems)
        </li>
        <li>
          <span className="swatch outline dashed" style={{ borderColor: PROBLEM_COLOR }} aria-hidden="true" />
          warning finding
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
        {policies && (
          <>
            <li>
              <span className="swatch outline" style={{ borderColor: POLICY_COLOR }} aria-hidden="true" />
              isolated (single: ingress, double: egress)
            </li>
            <li>
              <span className="line" style={{ borderColor: FORWARDED_COLOR }} aria-hidden="true" />
              policies allow from anyone
            </li>
            <li>
              <span className="line" style={{ borderColor: RESTRICTED_COLOR }} aria-hidden="true" />
              allowed from some sources
            </li>
            <li>
              <span className="line dashed thick" style={{ borderColor: MISSING_COLOR }} aria-hidden="true" />
              policies deny
            </li>
            <li>
              <span className="line thick" style={{ borderColor: MISMATCH_COLOR }} aria-hidden="true" />
              Hubble disagrees with the policies
            </li>
          </>
        )}
      </ul>
    </section>
  );
}

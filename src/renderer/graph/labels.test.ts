import { describe, expect, it } from 'vitest';
import { LABEL_SCALE_ELEMENT_LIMIT, READABLE_LABEL_PX, labelScaleFor } from './labels';

describe('labelScaleFor', () => {
  it('enlarges labels zoomed out, by steps, so that they are drawn at least READABLE_LABEL_PX high', () => {
    expect(labelScaleFor(1.2)).toBe(1);
    for (const zoom of [0.9, 0.5, 0.3, 0.2]) {
      const scale = labelScaleFor(zoom, 500);
      expect(scale).toBeGreaterThan(1);
      expect(11 * scale * zoom).toBeGreaterThanOrEqual(READABLE_LABEL_PX - 1e-9);
    }
    // Zooming a little keeps the same step, so the stylesheet is not made again.
    expect(labelScaleFor(0.5)).toBe(labelScaleFor(0.49));
  });

  it('leaves labels at their own size on a picture of more than LABEL_SCALE_ELEMENT_LIMIT elements (enlarging restyles every one)', () => {
    expect(labelScaleFor(0.2, LABEL_SCALE_ELEMENT_LIMIT)).toBeGreaterThan(1);
    expect(labelScaleFor(0.2, LABEL_SCALE_ELEMENT_LIMIT + 1)).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { LABEL_SCALE_ELEMENT_LIMIT, READABLE_LABEL_PX, fitZoomOf, labelScaleFor } from './labels';

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

describe('fitZoomOf', () => {
  const view = { width: 1000, height: 600, padding: 40, minZoom: 0.02, maxZoom: 3 };

  it('gives the zoom that fits the placed elements, with room for their boxes and labels, inside the padding', () => {
    const elements = [{ position: { x: 0, y: 0 } }, { position: { x: 1780, y: 100 } }, {}];
    // 920 px across for 1,780 + 2 × 110 model units; the height (520 px for 220) allows more.
    expect(fitZoomOf(elements, view)).toBeCloseTo(920 / 2000);
  });

  it("keeps to the graph's zoom limits, and has no answer for nothing placed or no room", () => {
    expect(fitZoomOf([{ position: { x: 5, y: 5 } }], view)).toBe(3);
    expect(fitZoomOf([{ position: { x: 0, y: 0 } }, { position: { x: 1e7, y: 0 } }], view)).toBe(0.02);
    expect(fitZoomOf([{}], view)).toBeUndefined();
    expect(fitZoomOf([{ position: { x: 0, y: 0 } }], { ...view, width: 60 })).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { fromViewFragment, parseViewOrTour, savedTourFrom, savedViewFrom, viewFragment, type SavedView } from './savedView';

const view: SavedView = {
  strataView: 1,
  source: { kind: 'demo', label: 'Demo cluster' },
  spec: { level: 'namespace', expanded: ['Deployment/shop/cart'], namespaces: ['shop', 'payments'] },
  edgeView: 'both',
  layers: { flows: true, policies: false, problems: true, problemsOnly: false },
  selection: { group: 'nodes', id: 'Service/shop/cart' },
  camera: { zoom: 0.75, pan: { x: 120.5, y: -40 } },
  theme: 'light',
  at: 1_764_555_180_000,
  annotations: [{ target: 'Deployment/shop/cart', text: 'Lost its endpoints at 02:13 — label typo in the template (café ☕)' }],
};

describe('saved views', () => {
  it('reads back what the Export menu writes, field for field', () => {
    expect(savedViewFrom(JSON.parse(JSON.stringify(view)))).toEqual(view);
    expect(parseViewOrTour(JSON.stringify(view), 'a.strata-view.json')).toEqual({ view });
  });

  it('round-trips a view and a tour through a URL fragment, names in any script included', () => {
    expect(fromViewFragment(viewFragment({ view }))).toEqual({ view });
    const tour = { strataTour: 1 as const, title: 'Checkout outage', stops: [{ title: 'Before', notes: 'All green.', view }, { title: '02:13', notes: 'Endpoints gone.', view: { ...view, at: 1 } }] };
    const hash = viewFragment({ tour });
    expect(hash).toMatch(/^#tour=[A-Za-z0-9_-]+$/);
    expect(fromViewFragment(hash)).toEqual({ tour });
    expect(fromViewFragment('#somewhere')).toBeUndefined();
    expect(() => fromViewFragment(hash.slice(0, -9))).toThrow("The link's #tour cannot be read: it was cut short or changed.");
  });

  it('names the field that is wrong, and the file', () => {
    expect(() => parseViewOrTour('{"strataView": 1', 'x.json')).toThrow(/^x\.json is not JSON/);
    expect(() => parseViewOrTour('{"strataView": 2, "spec": {"level": "full"}}', 'x.json')).toThrow('x.json: The view has no "strataView": 1; it is not a Strata view, or one of a newer version.');
    expect(() => savedViewFrom({ strataView: 1, spec: { level: 'pods' } })).toThrow("The view's spec.level must be one of auto, cluster, namespace, full, nodes.");
    expect(() => savedViewFrom({ strataView: 1, spec: { level: 'full', namespaces: 'shop' } })).toThrow("The view's spec.namespaces must be a list of strings.");
    expect(() => savedViewFrom({ strataView: 1, spec: { level: 'full' }, camera: { zoom: 0, pan: { x: 0, y: 0 } } })).toThrow("The view's camera.zoom must be above 0.");
    expect(() => savedViewFrom({ strataView: 1, spec: { level: 'full' }, selection: { id: 3 } })).toThrow(/"selection" must be/);
    expect(() => savedViewFrom({ strataView: 1, spec: { level: 'full' }, annotations: [{ target: 'Pod/a/b' }] })).toThrow("The view's annotation 1 must be");
    expect(() => savedTourFrom({ strataTour: 1, stops: [{ title: 'a', view: { strataView: 1, spec: {} } }] })).toThrow("Stop 1's view's spec.level must be one of");
    expect(() => savedTourFrom({ strataTour: 1, stops: [] })).toThrow('at least one stop');
    // Names every object inherits are not themes: a link must not reach past the palette.
    expect(() => savedViewFrom({ strataView: 1, spec: { level: 'full' }, theme: 'constructor' })).toThrow('The view\'s "theme" must be one of dark, light, contrast.');
    expect(() => fromViewFragment('#view=not*base64')).toThrow("The link's #view cannot be read");
    expect(parseViewOrTour(`\uFEFF${JSON.stringify(view)}`, 'bom.json')).toEqual({ view });
  });
});

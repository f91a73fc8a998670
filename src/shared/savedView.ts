/**
 * Saved views and tours: what reopens a picture (`.strata-view.json`), an ordered list of them
 * with speaker notes (`.strata-tour.json`), and both as a URL fragment for serve mode. The format
 * is documented in docs/views.md. Parsing checks every field it reads and names the one that is
 * wrong, since these files are edited by hand and passed around.
 */
import { THEMES, type ViewLevel, type ViewSpec } from './view';

/** A note pinned to an object by `Kind/namespace/name`; pods are pinned by their workload, which survives a redeploy. */
export interface Annotation {
  target: string;
  text: string;
}

/** Cytoscape's zoom and pan (rendered pixels). */
export interface Camera {
  zoom: number;
  pan: { x: number; y: number };
}

export interface SavedView {
  strataView: 1;
  /** Where the view was made: shown beside the picture when it is opened over another source. */
  source?: { kind?: string; label?: string; context?: string };
  spec: ViewSpec;
  edgeView?: 'both' | 'objects' | 'flows';
  layers?: { flows?: boolean; policies?: boolean; problems?: boolean; problemsOnly?: boolean };
  selection?: { group: 'nodes' | 'edges'; id: string } | null;
  /** Cytoscape's zoom and pan (rendered pixels): the same picture on a window of the same size. */
  camera?: Camera;
  theme?: string;
  /** A moment of a recording, ms since the epoch. */
  at?: number;
  annotations?: Annotation[];
}

export interface TourStop {
  title: string;
  /** Speaker notes, shown in presenter mode. */
  notes: string;
  view: SavedView;
}

export interface SavedTour {
  strataTour: 1;
  title?: string;
  stops: TourStop[];
}

export class SavedViewError extends Error {}

const LEVELS: readonly (ViewLevel | 'auto')[] = ['auto', 'cluster', 'namespace', 'full', 'nodes'];
const EDGE_VIEWS = ['both', 'objects', 'flows'] as const;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new SavedViewError(`${where} must be a list of strings.`);
  return value as string[];
}

function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SavedViewError(`${where} must be a number.`);
  return value;
}

function optionalBoolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new SavedViewError(`${where} must be true or false.`);
  return value;
}

/** A view from parsed JSON; `where` names it in errors (`view`, `stop 2's view`). */
export function savedViewFrom(raw: unknown, where = 'The view'): SavedView {
  if (!isObject(raw)) throw new SavedViewError(`${where} must be a JSON object.`);
  if (raw.strataView !== 1) throw new SavedViewError(`${where} has no "strataView": 1; it is not a Strata view, or one of a newer version.`);
  if (!isObject(raw.spec)) throw new SavedViewError(`${where}'s "spec" must be an object with a "level".`);
  const level = raw.spec.level;
  if (typeof level !== 'string' || !LEVELS.includes(level as ViewLevel)) throw new SavedViewError(`${where}'s spec.level must be one of ${LEVELS.join(', ')}.`);
  const spec: ViewSpec = { level: level as ViewSpec['level'] };
  for (const key of ['expanded', 'collapsed', 'namespaces'] as const) {
    const list = stringList(raw.spec[key], `${where}'s spec.${key}`);
    if (list) spec[key] = list;
  }
  const view: SavedView = { strataView: 1, spec };
  if (raw.source !== undefined) {
    if (!isObject(raw.source)) throw new SavedViewError(`${where}'s "source" must be an object.`);
    const { kind, label, context } = raw.source;
    view.source = { ...(typeof kind === 'string' ? { kind } : {}), ...(typeof label === 'string' ? { label } : {}), ...(typeof context === 'string' ? { context } : {}) };
  }
  if (raw.edgeView !== undefined) {
    if (!EDGE_VIEWS.includes(raw.edgeView as never)) throw new SavedViewError(`${where}'s "edgeView" must be one of ${EDGE_VIEWS.join(', ')}.`);
    view.edgeView = raw.edgeView as SavedView['edgeView'];
  }
  if (raw.layers !== undefined) {
    if (!isObject(raw.layers)) throw new SavedViewError(`${where}'s "layers" must be an object.`);
    const layers: NonNullable<SavedView['layers']> = {};
    for (const key of ['flows', 'policies', 'problems', 'problemsOnly'] as const) {
      const on = optionalBoolean(raw.layers[key], `${where}'s layers.${key}`);
      if (on !== undefined) layers[key] = on;
    }
    view.layers = layers;
  }
  if (raw.selection !== undefined && raw.selection !== null) {
    const s = raw.selection;
    if (!isObject(s) || (s.group !== 'nodes' && s.group !== 'edges') || typeof s.id !== 'string') throw new SavedViewError(`${where}'s "selection" must be {"group": "nodes" or "edges", "id": "…"}.`);
    view.selection = { group: s.group, id: s.id };
  }
  if (raw.camera !== undefined) {
    const c = raw.camera;
    if (!isObject(c) || !isObject(c.pan)) throw new SavedViewError(`${where}'s "camera" must be {"zoom": number, "pan": {"x": number, "y": number}}.`);
    const zoom = finite(c.zoom, `${where}'s camera.zoom`);
    if (zoom <= 0) throw new SavedViewError(`${where}'s camera.zoom must be above 0.`);
    view.camera = { zoom, pan: { x: finite(c.pan.x, `${where}'s camera.pan.x`), y: finite(c.pan.y, `${where}'s camera.pan.y`) } };
  }
  if (raw.theme !== undefined) {
    if (!THEMES.includes(raw.theme as never)) throw new SavedViewError(`${where}'s "theme" must be one of ${THEMES.join(', ')}.`);
    view.theme = raw.theme as string;
  }
  if (raw.at !== undefined) view.at = finite(raw.at, `${where}'s "at"`);
  if (raw.annotations !== undefined) {
    if (!Array.isArray(raw.annotations)) throw new SavedViewError(`${where}'s "annotations" must be a list.`);
    view.annotations = raw.annotations.map((a, i) => {
      if (!isObject(a) || typeof a.target !== 'string' || typeof a.text !== 'string') throw new SavedViewError(`${where}'s annotation ${i + 1} must be {"target": "Kind/namespace/name", "text": "…"}.`);
      return { target: a.target, text: a.text };
    });
  }
  return view;
}

export function savedTourFrom(raw: unknown): SavedTour {
  if (!isObject(raw)) throw new SavedViewError('The tour must be a JSON object.');
  if (raw.strataTour !== 1) throw new SavedViewError('The tour has no "strataTour": 1; it is not a Strata tour, or one of a newer version.');
  if (!Array.isArray(raw.stops) || raw.stops.length === 0) throw new SavedViewError('The tour\'s "stops" must be a list of at least one stop.');
  const stops = raw.stops.map((stop, i): TourStop => {
    const where = `Stop ${i + 1}`;
    if (!isObject(stop)) throw new SavedViewError(`${where} must be an object with "title", "notes" and "view".`);
    if (typeof stop.title !== 'string') throw new SavedViewError(`${where}'s "title" must be a string.`);
    if (stop.notes !== undefined && typeof stop.notes !== 'string') throw new SavedViewError(`${where}'s "notes" must be a string.`);
    return { title: stop.title, notes: (stop.notes as string | undefined) ?? '', view: savedViewFrom(stop.view, `${where}'s view`) };
  });
  return { strataTour: 1, ...(typeof raw.title === 'string' ? { title: raw.title } : {}), stops };
}

/** A view or a tour from a file's text; `name` is the file, for the message. */
export function parseViewOrTour(text: string, name: string): { view: SavedView } | { tour: SavedTour } {
  let raw: unknown;
  try {
    // A byte-order mark, as some editors write, is not part of the JSON.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SavedViewError(`${name} is not JSON (${(error as Error).message}); a view is saved as .strata-view.json from the Export menu.`);
  }
  try {
    return isObject(raw) && 'strataTour' in raw ? { tour: savedTourFrom(raw) } : { view: savedViewFrom(raw) };
  } catch (error) {
    throw new SavedViewError(`${name}: ${(error as Error).message}`);
  }
}

// The URL fragment: `#view=` or `#tour=` and the JSON as base64url of its UTF-8, so that names in any
// script survive. Written out here because this folder runs in Node and the browser alike, without
// either's globals.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64Url(text: string): string {
  const bytes: number[] = [];
  for (const char of text) {
    const c = char.codePointAt(0)!;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += ALPHABET[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += ALPHABET[n & 63];
  }
  return out;
}

/** The text base64url holds; throws on a character outside the alphabet or bytes that are not UTF-8. */
function fromBase64Url(text: string): string {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) throw new Error('not base64url');
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >> 5 === 6 ? 2 : b >> 4 === 14 ? 3 : b >> 3 === 30 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) throw new Error('not UTF-8');
    let c = length === 1 ? b : b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      if (bytes[i + k] >> 6 !== 2) throw new Error('not UTF-8');
      c = (c << 6) | (bytes[i + k] & 63);
    }
    out += String.fromCodePoint(c);
    i += length;
  }
  return out;
}

export function viewFragment(value: { view: SavedView } | { tour: SavedTour }): string {
  return 'view' in value ? `#view=${toBase64Url(JSON.stringify(value.view))}` : `#tour=${toBase64Url(JSON.stringify(value.tour))}`;
}

/** The view or tour a URL fragment holds; undefined when it holds neither. */
export function fromViewFragment(hash: string): { view: SavedView } | { tour: SavedTour } | undefined {
  const match = /^#(view|tour)=(.*)$/s.exec(hash);
  if (!match) return undefined;
  if (!/^[A-Za-z0-9_-]*$/.test(match[2])) throw new SavedViewError(`The link's #${match[1]} cannot be read: it was cut short or changed.`);
  let raw: unknown;
  try {
    raw = JSON.parse(fromBase64Url(match[2]));
  } catch {
    throw new SavedViewError(`The link's #${match[1]} cannot be read: it was cut short or changed.`);
  }
  return match[1] === 'view' ? { view: savedViewFrom(raw) } : { tour: savedTourFrom(raw) };
}

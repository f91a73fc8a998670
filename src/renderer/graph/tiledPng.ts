import type { Core } from 'cytoscape';
import { cameraOf } from './camera';
import { MAX_PNG_SIDE } from './exportPicture';

/**
 * PNGs of the drawn graph (`graphPng`, at the end). One of the whole graph larger than a browser
 * canvas may be (about 16,384 px a side) is made here: Cytoscape draws it tile by tile, each tile
 * a viewport's worth at a scale it can draw, and the tiles' pixels are written into one PNG a band
 * of rows at a time, compressed as they go (CompressionStream's `deflate` is the zlib stream PNG's
 * IDAT holds). Memory stays at one band, not the picture.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(parts: readonly Uint8Array[]): number {
  let c = 0xffffffff;
  for (const bytes of parts) for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, and the CRC of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typeBytes = new TextEncoder().encode(type);
  out.set(typeBytes, 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32([typeBytes, data]));
  return out;
}

function header(width: number, height: number): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, adaptive filtering, no interlace
  return data;
}

/** The RGBA pixels of a PNG blob (a tile Cytoscape drew). */
async function pixelsOf(blob: Blob, width: number, height: number): Promise<Uint8ClampedArray> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, width, height).data;
}

export interface TiledPngOptions {
  /** Pixels per model unit in the picture: the zoom on screen times 1 or 2. */
  pixelsPerUnit: number;
  /** The largest canvas side to ask the browser for. */
  maxSide: number;
  background?: string;
}

/** The whole graph as one PNG at any size: drawn tile by tile, then the camera put back. */
export async function tiledPng(core: Core, options: TiledPngOptions): Promise<Blob> {
  const box = core.elements().boundingBox();
  // Sized as Cytoscape sizes a whole-graph PNG that fits a canvas, so that the two agree.
  const width = Math.max(1, Math.round(Math.ceil(box.w) * options.pixelsPerUnit));
  const height = Math.max(1, Math.round(Math.ceil(box.h) * options.pixelsPerUnit));
  // A tile is a viewport drawn at an integer scale that keeps it within the canvas limit.
  const [viewW, viewH] = [core.width(), core.height()];
  const scale = Math.max(1, Math.floor(options.maxSide / Math.max(viewW, viewH)));
  const zoom = options.pixelsPerUnit / scale;
  const [tileW, tileH] = [viewW * scale, viewH * scale];
  const saved = cameraOf(core);
  const compressor = new CompressionStream('deflate');
  const writer = compressor.writable.getWriter();
  const compressed = new Response(compressor.readable).arrayBuffer();
  try {
    for (let top = 0; top < height; top += tileH) {
      const rows = Math.min(tileH, height - top);
      const tiles: { left: number; columns: number; pixels: Uint8ClampedArray }[] = [];
      for (let left = 0; left < width; left += tileW) {
        // This tile's corner at the viewport's: pan is where the model's origin lands on screen.
        core.viewport({ zoom, pan: { x: -(box.x1 + left / options.pixelsPerUnit) * zoom, y: -(box.y1 + top / options.pixelsPerUnit) * zoom } });
        const blob = (await core.png({ output: 'blob-promise', full: false, scale, ...(options.background ? { bg: options.background } : {}) })) as Blob;
        tiles.push({ left, columns: Math.min(tileW, width - left), pixels: await pixelsOf(blob, tileW, tileH) });
      }
      for (let y = 0; y < rows; y++) {
        // Filter type 0 (none) before each row: the compressor does the rest.
        const line = new Uint8Array(1 + width * 4);
        for (const tile of tiles) line.set(tile.pixels.subarray(y * tileW * 4, (y * tileW + tile.columns) * 4), 1 + tile.left * 4);
        await writer.write(line);
      }
    }
    await writer.close();
  } finally {
    core.viewport(saved);
  }
  const idat = new Uint8Array(await compressed);
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Blob([signature, chunk('IHDR', header(width, height)), chunk('IDAT', idat), chunk('IEND', new Uint8Array())], { type: 'image/png' });
}

/** The largest canvas side to ask for: the browsers' limit, or less with `?maxCanvas=N` (some GPUs allow less). */
function canvasLimit(): number {
  const asked = Number(new URLSearchParams(location.search).get('maxCanvas'));
  return Number.isInteger(asked) && asked >= 256 && asked < MAX_PNG_SIDE ? asked : MAX_PNG_SIDE;
}

/**
 * A PNG of the graph on screen or whole, on the page's own background (a dark picture is not black
 * on transparent). Past the browser's canvas limit the whole graph is drawn in tiles, not scaled
 * down; `freezeLabels` holds the labels as they are while the camera moves tile by tile.
 */
export function graphPng(core: Core, container: HTMLElement, { full, scale }: { full: boolean; scale: number }, freezeLabels: (frozen: boolean) => void): Promise<Blob> {
  const bg = getComputedStyle(container).backgroundColor || undefined;
  const maxSide = canvasLimit();
  const box = core.elements().boundingBox();
  if (full && Math.max(box.w, box.h) * scale > maxSide) {
    freezeLabels(true);
    return tiledPng(core, { pixelsPerUnit: scale, maxSide, ...(bg ? { background: bg } : {}) }).finally(() => freezeLabels(false));
  }
  return core.png({ output: 'blob-promise', full, scale, ...(bg ? { bg } : {}), maxWidth: maxSide, maxHeight: maxSide });
}

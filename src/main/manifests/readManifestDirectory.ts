import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { KubeObject } from '../../shared/kube';
import type { ManifestLocation, ManifestNote } from '../../core/manifests/parseManifests';
import { parseManifests } from '../../core/manifests/parseManifests';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;
/** Larger files are almost certainly not hand-written manifests (a dump, a binary); reading them would stall the UI. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

export interface ManifestDirectory {
  objects: KubeObject[];
  notes: ManifestNote[];
  files: number;
  /** Where each object was written, relative to the folder: the first place, when two files hold one object. */
  locations: Map<string, ManifestLocation>;
}

/** The YAML and JSON files under a folder, nested folders included, skipping hidden ones and node_modules. */
async function manifestFiles(root: string, notes: ManifestNote[]): Promise<{ files: string[]; other: number }> {
  const files: string[] = [];
  let other = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path).catch((error: NodeJS.ErrnoException) => {
          notes.push({ file: relative(root, path), severity: 'error', message: `Folder cannot be read (${error.code ?? error.message})` });
        });
      } else if (MANIFEST_EXTENSIONS.test(entry.name)) files.push(path);
      else other += 1;
    }
  };
  await walk(root);
  return { files, other };
}

/**
 * Reads every manifest under `root`. A broken file is a note with its file and line; the rest
 * still loads. Throws only when `root` itself cannot be read, with a sentence that says why.
 */
export async function readManifestDirectory(root: string): Promise<ManifestDirectory> {
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `Manifest folder ${root} does not exist.` : `Manifest folder ${root} cannot be read (${error.code}).`);
  });
  if (!info.isDirectory()) throw new Error(`${root} is not a folder; pass the folder that holds your manifests.`);

  const notes: ManifestNote[] = [];
  const { files, other } = await manifestFiles(root, notes);
  const objects: KubeObject[] = [];
  const locations = new Map<string, ManifestLocation>();
  for (const path of files) {
    const file = relative(root, path);
    try {
      const size = (await stat(path)).size;
      if (size > MAX_FILE_BYTES) {
        notes.push({ file, severity: 'skipped', message: `File is ${Math.round(size / 1048576)} MiB, larger than the ${MAX_FILE_BYTES / 1048576} MiB Strata reads as a manifest` });
        continue;
      }
      const parsed = parseManifests(await readFile(path, 'utf8'), file);
      for (const object of parsed.objects) objects.push(object);
      notes.push(...parsed.notes);
      for (const [id, location] of parsed.locations) if (!locations.has(id)) locations.set(id, location);
    } catch (error) {
      notes.push({ file, severity: 'error', message: `File cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  if (other > 0) notes.push({ file: '.', severity: 'skipped', message: `${other} file${other === 1 ? ' is' : 's are'} not YAML or JSON and ${other === 1 ? 'was' : 'were'} skipped` });
  return { objects, notes, files: files.length, locations };
}

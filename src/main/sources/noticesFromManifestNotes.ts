import type { ManifestNote } from '../../core/manifests/parseManifests';
import type { Notice } from '../../shared/contract';

export function noticesFromManifestNotes(notes: readonly ManifestNote[]): Notice[] {
  return notes.map((note) => ({
    severity: note.severity === 'error' ? 'error' : 'info',
    message: note.message,
    where: note.line ? `${note.file}:${note.line}` : note.file,
  }));
}

// Kubernetes' generated-name alphabet: no vowels (no accidental words) and no confusable characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A deterministic stand-in for the random suffixes the API server and controllers generate. */
export function generatedSuffix(seed: string, length: number): string {
  let out = '';
  let hash = fnv1a(seed);
  while (out.length < length) {
    out += ALPHABET[hash % ALPHABET.length];
    hash = Math.floor(hash / ALPHABET.length);
    if (hash === 0) hash = fnv1a(seed + out);
  }
  return out;
}

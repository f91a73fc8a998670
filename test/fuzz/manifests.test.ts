/**
 * Fuzz: manifest folders. Random text, YAML made strange (anchors and aliases, an alias bomb,
 * deep nesting, huge documents) and JSON cut short: every broken document is a note naming its
 * file and line, the folder's other files still load, and nothing is thrown.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/core/manifests/parseManifests';
import { readManifestDirectory } from '../../src/main/manifests/readManifestDirectory';
import { FUZZ, rawObjects } from './fuzzing';

const root = mkdtempSync(join(tmpdir(), 'strata-fuzz-manifests-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const raws = rawObjects();
const goodFile = stringify(raws.find((r) => r.kind === 'Service'));
const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n');

/** Inputs that once threw out of the parser, kept so they stay fixed. */
const REGRESSIONS: Record<string, string> = {
  'alias bomb': `apiVersion: v1\nkind: ConfigMap\n${laughs}`,
  'alias to an anchor in another document': 'x: &p {apiVersion: v1, kind: Pod, metadata: {name: a}}\n---\n*p\n',
  'nesting 100,000 deep': '['.repeat(100_000) + ']'.repeat(100_000),
  'JSON nesting 50,000 deep': '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
};

let folders = 0;
/** A folder holding `text` as bad.yaml and a good Service beside it. */
async function readFolderWith(text: string | Buffer) {
  const dir = join(root, `case-${(folders += 1)}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'bad.yaml'), text);
  writeFileSync(join(dir, 'good.yaml'), goodFile);
  const folder = await readManifestDirectory(dir);
  expect(folder.objects.map((o) => o.kind)).toContain('Service');
  for (const note of folder.notes) {
    expect(note.file).toMatch(/^(bad|good)\.yaml$/);
    expect(note.message, note.message).not.toMatch(/\n|\bundefined\b|\[object Object\]/);
  }
  return folder;
}

/** YAML with the features people use and abuse: anchors, aliases, merge keys, tags, flow style. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom('---', '...', 'apiVersion: v1', 'kind: Pod', 'kind: List', 'items:', '- &x {a: 1}', '- *x', '<<: *x', 'metadata: &m', '  name: a', '  labels: {app: b}', 'spec: !!str 5', 'spec: !custom {}', '? [a]', ': b', '"\\u0000"', '|', '  text', '\t- tab', '%YAML 1.1', '{', '[', '}', ']'),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 30 },
  )
  .map((lines) => lines.join('\n'));

describe('manifest folders', () => {
  it('with random YAML-like text load the good file and note the bad one', async () => {
    await fc.assert(fc.asyncProperty(yamlish, async (text) => void (await readFolderWith(text))), { ...FUZZ, numRuns: Math.max(20, Math.round(FUZZ.numRuns! / 4)) });
  });

  it('with random text parse into notes naming the file', () => {
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ unit: 'binary', maxLength: 400 })), (text) => {
        const parsed = parseManifests(text, 'bad.yaml');
        for (const note of parsed.notes) expect(note.file).toBe('bad.yaml');
      }),
      FUZZ,
    );
  });

  it('with a JSON manifest cut short or bit-flipped note the damage', () => {
    const json = JSON.stringify({ kind: 'List', apiVersion: 'v1', items: raws.slice(0, 20) });
    const damaged = fc.oneof(
      fc.nat(json.length).map((n) => json.slice(0, n)),
      fc.tuple(fc.nat(json.length - 1), fc.integer({ min: 0, max: 6 })).map(([at, bit]) => json.slice(0, at) + String.fromCharCode(json.charCodeAt(at) ^ (1 << bit)) + json.slice(at + 1)),
    );
    fc.assert(
      fc.property(damaged, (text) => {
        const parsed = parseManifests(text, 'list.json');
        if (text.trim()) expect(parsed.objects.length + parsed.notes.length).toBeGreaterThan(0);
      }),
      FUZZ,
    );
  });

  it.each(Object.entries(REGRESSIONS))('that once broke the parser (%s) are a note', async (_, text) => {
    const folder = await readFolderWith(text);
    expect(folder.notes.filter((n) => n.file === 'bad.yaml').map((n) => n.severity)).toContain('error');
  });

  it('with a huge file of thousands of documents loads them all', async () => {
    const pods = Array.from({ length: 2000 }, (_, i) => stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'big', labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }));
    const folder = await readFolderWith(pods.join('---\n'));
    expect(folder.objects.filter((o) => o.kind === 'Pod')).toHaveLength(2000);
  });
});

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../sources/SourceCatalog';
import { graphCommand } from './graphCommand';

async function graph(theme: string): Promise<string> {
  const [out, err] = [new PassThrough(), new PassThrough()];
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await graphCommand({ demo: true, output: 'svg', theme, timeout: 5 }, out, err);
  return Buffer.concat(chunks).toString('utf8');
}

describe('strata graph -o svg --theme', () => {
  it('draws the high-contrast theme: a white page and near-black labels', async () => {
    const svg = await graph('contrast');
    expect(svg).toContain('fill="#ffffff"/>');
    expect(svg).toContain('fill="#0a0a0a" stroke="#ffffff"');
  });

  it('names the themes it knows when given another', async () => {
    await expect(graph('sepia')).rejects.toThrow(new UsageError('Theme "sepia" is not known; use --theme light, --theme dark or --theme contrast.'));
  });
});

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import-direction rule is what keeps the core pure; this checks that the rule itself bites.
const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import direction lint rule', () => {
  it.each([
    ['src/core/topology/x.ts', "import { readFileSync } from 'node:fs';"],
    ['src/core/topology/x.ts', "import { readFileSync } from 'fs';"],
    ['src/core/topology/x.ts', "import Database from 'better-sqlite3';"],
    ['src/core/topology/x.ts', "import { KubeConfig } from '@kubernetes/client-node';"],
    ['src/core/topology/x.ts', "import cytoscape from 'cytoscape';"],
    ['src/core/topology/x.ts', "import { StrataBackend } from '../../main/backend/StrataBackend';"],
    ['src/shared/x.ts', "import { app } from 'electron';"],
    ['src/renderer/views/x.tsx', "import { StrataBackend } from '../../main/backend/StrataBackend';"],
    ['src/renderer/views/x.tsx', "import { ipcRenderer } from 'electron';"],
    ['src/preload/x.ts', "import { buildTopology } from '../core/topology/buildTopology';"],
    ['src/main/cli/x.ts', "import { App } from '../../renderer/App';"],
    ['src/main/store/x.ts', "import type { ObjectChange } from '../cluster/ResourceWatcher';"],
    ['src/main/store/x.ts', "import { App } from '../../renderer/App';"],
  ])('refuses %s importing %s', async (file, code) => {
    expect(await problems(file, `${code}\nexport {};\n`)).toHaveLength(1);
  });

  it.each([
    ['src/core/topology/x.ts', "import { parse } from 'yaml';"],
    ['src/renderer/views/x.tsx', "import { buildTopology } from '../../core/topology/buildTopology';"],
    ['src/main/cli/x.ts', "import { readFileSync } from 'node:fs';"],
    ['src/main/ipc/x.ts', "import { ipcMain } from 'electron';"],
    ['src/main/store/x.ts', "import type { ObjectChange } from '../../shared/kube';"],
    ['src/preload/x.ts', "import { REQUEST_NAMES } from '../shared/contract';"],
  ])('allows %s importing %s', async (file, code) => {
    expect(await problems(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});

/** `npm run docs:diagnostics`: writes the rule reference into docs/diagnostics.md from the rules. */
import { readFileSync, writeFileSync } from 'node:fs';
import { RULES } from '../../src/core/diagnostics/rules';
import { withRulesSection } from '../../src/core/diagnostics/rulesMarkdown';

const path = new URL('../../docs/diagnostics.md', import.meta.url);
writeFileSync(path, withRulesSection(readFileSync(path, 'utf8'), RULES));

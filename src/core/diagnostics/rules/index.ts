/** Every diagnostic rule Strata runs, one file each (docs/diagnostics.md lists them with examples). */
import type { AnyRule } from '../DiagnosticContext';
import { svcSelectorNoPods } from './svcSelectorNoPods';

export const RULES: readonly AnyRule[] = [svcSelectorNoPods];

/**
 * The `labelSelector` query parameter: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`,
 * `k notin (a,b)`, joined by commas. Returns a predicate on labels, or throws on bad syntax.
 */
export type LabelPredicate = (labels: Readonly<Record<string, string>> | undefined) => boolean;

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

/** Splits on commas that are not inside `( )`. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < selector.length; index++) {
    const char = selector[index];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(selector.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function parseRequirement(text: string): Requirement {
  const setMatch = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (setMatch) {
    const [, key, operator, list] = setMatch;
    const values = new Set(list.split(',').map((value) => value.trim()));
    return operator === 'in' ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key]) : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]);
  }
  const comparison = /^([^\s!=(),]+)\s*(==|!=|=)\s*([^\s!=(),]*)$/.exec(text);
  if (comparison) {
    const [, key, operator, value] = comparison;
    return operator === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  const existence = /^(!?)\s*([^\s!=(),]+)$/.exec(text);
  if (existence) {
    const [, not, key] = existence;
    return not ? (labels) => !Object.hasOwn(labels, key) : (labels) => Object.hasOwn(labels, key);
  }
  throw new Error(`unable to parse requirement: ${JSON.stringify(text)}`);
}

export function parseLabelSelector(selector: string): LabelPredicate {
  const requirements = splitRequirements(selector).map(parseRequirement);
  return (labels) => requirements.every((requirement) => requirement(labels ?? {}));
}

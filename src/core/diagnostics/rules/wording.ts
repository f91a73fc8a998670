/** How findings word counts and lists, the same in every rule. */

/** `1 pod`, `3 pods`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `a, b, c, and 2 more`: the first few of a list and how many are left out. */
export function listSome(items: readonly string[], limit: number, separator = ', '): string {
  const rest = items.length - limit;
  return items.slice(0, limit).join(separator) + (rest > 0 ? `${separator}and ${rest} more` : '');
}

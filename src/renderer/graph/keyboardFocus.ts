import type { Core, NodeSingular } from 'cytoscape';
import { readingOrder } from '../../core/view/layout';

/** The band a node is read in: the outermost box around it (a namespace, the Nodes), or the grid of cells. */
function bandOf(node: NodeSingular): string {
  const outermost = node.ancestors().last();
  if (outermost.nonempty()) return outermost.id();
  return node.hasClass('folded') ? '~cells' : '~free';
}

/**
 * The nodes the keyboard steps through, in reading order (see readingOrder): every drawn node but
 * the boxes, whose members are stepped instead, and the view's notes.
 */
export function keyboardOrder(core: Core): string[] {
  const items = core
    .nodes()
    .filter((n) => !n.isParent() && n.data('kind') !== 'Note')
    .map((n) => ({ id: n.id(), band: bandOf(n as NodeSingular), x: (n as NodeSingular).position('x'), y: (n as NodeSingular).position('y') }));
  return readingOrder(items).map((item) => item.id);
}

/** What a screen reader says of a node the keyboard reached. */
export function describeForKeyboard(node: NodeSingular): string {
  const kind = String(node.data('kind') ?? '');
  const label = String(node.data('label') ?? node.id());
  const subtitle = String(node.data('subtitle') ?? '');
  const trouble = node.hasClass('finding-error') ? 'an error finding' : node.hasClass('missing') ? 'missing' : node.hasClass('finding-warning') ? 'a warning finding' : node.hasClass('problem') ? 'a problem' : '';
  const ancestor = node.ancestors().filter((a) => a.data('kind') === 'Namespace').first();
  return [`${kind === 'Workload' || kind === 'Namespace' ? '' : `${kind} `}${label}`, ancestor.nonempty() ? `in ${String(ancestor.data('label'))}` : '', subtitle, trouble ? `has ${trouble}` : ''].filter(Boolean).join(', ');
}

/** The id a key moves the keyboard's focus to from `current`; undefined when the key is not one of ours. */
export function nextFocus(order: readonly string[], current: string | null, key: string): string | null | undefined {
  if (order.length === 0) return undefined;
  const at = current === null ? -1 : order.indexOf(current);
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return order[Math.min(order.length - 1, at + 1)];
    case 'ArrowUp':
    case 'ArrowLeft':
      return at < 0 ? order[0] : order[Math.max(0, at - 1)];
    case 'Home':
      return order[0];
    case 'End':
      return order[order.length - 1];
    default:
      return undefined;
  }
}

/**
 * The keyboard's focus moved for a key: the node reached is marked and brought into view, and what a
 * screen reader should say of it returned. Escape clears the focus. Undefined when the key is not one of ours.
 */
export function moveKeyboardFocus(core: Core, current: string | null, key: string): { focus: string | null; announce: string } | undefined {
  const next = key === 'Escape' ? null : nextFocus(keyboardOrder(core), current, key);
  if (next === undefined) return undefined;
  core.nodes('.kbd-focus').removeClass('kbd-focus');
  if (next === null) return { focus: null, announce: '' };
  const node = core.getElementById(next) as NodeSingular;
  node.addClass('kbd-focus');
  const extent = core.extent();
  const at = node.position();
  if (at.x < extent.x1 || at.x > extent.x2 || at.y < extent.y1 || at.y > extent.y2) core.animate({ center: { eles: node } }, { duration: 200 });
  return { focus: next, announce: describeForKeyboard(node) };
}

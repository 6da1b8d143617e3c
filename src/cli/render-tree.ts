/**
 * Renders a status tree like `systemctl status`: one line per actor with a state marker,
 * path, status, readiness, restarts, last exit and mailbox depth.
 */
import type { StatusNode } from '../system/status.js';

const MARK: Record<string, string> = { ready: '●', running: '◐', starting: '◌', backoff: '↻', stopping: '◌', stopped: '○', failed: '✗', completed: '✓' };

export function renderTree(root: StatusNode): string {
  const lines: string[] = [];
  const walk = (node: StatusNode, prefix: string, last: boolean, top: boolean) => {
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    const parts = [
      `${MARK[node.status] ?? '?'} ${node.path}`,
      node.type === 'worker' ? `(${node.behaviour})` : `[${node.strategy}]`,
      node.status,
      node.ready ? 'ready' : 'not-ready',
      `restarts=${node.restarts}`,
    ];
    if (node.lastExit) parts.push(`last-exit=${node.lastExit.reason}${node.lastExit.error ? `(${node.lastExit.error})` : ''}`);
    if (node.mailbox) parts.push(`mailbox=${node.mailbox.depth}/${node.mailbox.capacity}${node.mailbox.dropped ? ` dropped=${node.mailbox.dropped}` : ''}`);
    lines.push(prefix + branch + parts.join('  '));
    const kids = node.children ?? [];
    const childPrefix = top ? '' : prefix + (last ? '   ' : '│  ');
    kids.forEach((k, i) => walk(k, childPrefix, i === kids.length - 1, false));
  };
  walk(root, '', true, true);
  return lines.join('\n');
}

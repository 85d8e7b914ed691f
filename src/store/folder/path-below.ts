import * as path from 'path';

// Path arithmetic for the boundary checks of safe-fs.ts: where a path lies relative to the data folder.

/** `target` below `root`: the resolved root (ending with a separator) and the components below it. */
export type Below = { base: string; parts: readonly string[] } | 'same' | 'outside';

/** splitBelow's answers for absolute paths (a pure function of the two strings then), bounded. */
const belowMemo = new Map<string, Below>();
const BELOW_MEMO_MAX = 4096;

export function splitBelow(root: string, target: string): Below {
  const absolute = path.isAbsolute(root) && path.isAbsolute(target);
  const key = `${root}\0${target}`;
  const known = absolute ? belowMemo.get(key) : undefined;
  if (known !== undefined) return known;
  const rel = path.relative(root, target);
  let below: Below;
  if (rel === '') below = 'same';
  else if (rel.startsWith('..') || path.isAbsolute(rel)) below = 'outside';
  else {
    const resolved = path.resolve(root);
    below = { base: resolved.endsWith(path.sep) ? resolved : resolved + path.sep, parts: rel.split(path.sep) };
  }
  if (absolute) {
    if (belowMemo.size >= BELOW_MEMO_MAX) belowMemo.clear();
    belowMemo.set(key, below);
  }
  return below;
}

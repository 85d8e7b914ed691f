/**
 * A word-level diff of two texts (the conflict question: my text beside theirs), by the longest common
 * subsequence of words: each part is text both have (`same`), only the first has (`removed`), or only the second has
 * (`added`). Whitespace counts as a word, so joining the `same` and `removed` parts gives back the first text exactly,
 * and `same` with `added` the second. Long texts: the common start and end are taken off first, and a middle too big
 * to compare word by word (over MAX_CELLS) is shown as removed then added whole.
 */
export interface DiffPart {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

const MAX_CELLS = 4_000_000;

function words(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

export function wordDiff(from: string, to: string): DiffPart[] {
  const a = words(from);
  const b = words(to);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  push('same', a.slice(0, start).join(''));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length > MAX_CELLS) {
    push('removed', midA.join(''));
    push('added', midB.join(''));
  } else {
    // lcs[i][j]: the longest common subsequence of midA[i..] and midB[j..].
    const n = midA.length;
    const m = midB.length;
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] = midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (midA[i] === midB[j]) {
        push('same', midA[i]);
        i++;
        j++;
      } else if (lcs[i + 1][j] >= lcs[i][j + 1]) push('removed', midA[i++]);
      else push('added', midB[j++]);
    }
    while (i < n) push('removed', midA[i++]);
    while (j < m) push('added', midB[j++]);
  }
  push('same', a.slice(endA).join(''));
  return parts;
}

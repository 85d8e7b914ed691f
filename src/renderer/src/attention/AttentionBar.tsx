import { useEffect, useRef } from 'react';
import type { LockstepApi } from '../../../shared/api';
import { useAttentionItems } from './attention';

/**
 * The top bar's "needs attention" signal: one button per item (stalls, budget, messages for you, …), or a quiet
 * "All clear". New items the person asked to hear about also go to the desktop (main shows them only when
 * notifications are on in Settings).
 */
export function AttentionBar({ api }: { api: LockstepApi }) {
  const items = useAttentionItems();
  const told = useRef(new Set<string>());
  useEffect(() => {
    const now = new Set<string>();
    for (const item of items) {
      const id = `${item.key}|${item.label}`;
      now.add(id);
      if (item.notify && !told.current.has(id)) void api.notify({ title: item.label, body: item.detail }).catch(() => undefined);
    }
    told.current = now;
  }, [api, items]);
  return (
    <div className="attention" role="group" aria-label="Needs attention" data-testid="attention">
      {items.length === 0 ? (
        <span className="attention-clear" data-testid="attention-clear">
          All clear
        </span>
      ) : (
        items.map((item) => (
          <button
            key={item.key}
            type="button"
            className={`attention-item ${item.tone}`}
            data-testid={`attention-${item.key}`}
            title={item.detail}
            onClick={item.onSelect}
          >
            {item.label}
          </button>
        ))
      )}
    </div>
  );
}

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

/**
 * One thing that needs the person's attention, shown in the top bar whatever else is open or folded. Any part of the
 * window reports its own list under its own source name (the stall radar, the budget, the person's messages; later
 * agents that exited with an error): `useReportAttention('agents', items)`.
 */
export interface AttentionItem {
  /** Stable within its source (a notification is sent once per key and text). */
  key: string;
  /** A few words, the number first where there is one: "3 stalled", "Over budget 141 %", "2 messages for you". */
  label: string;
  tone: 'info' | 'warn' | 'danger';
  /** What it is about, in a sentence (the tooltip and the desktop notification's text). */
  detail: string;
  /** Where clicking it takes the person (open the radar, the messages…). */
  onSelect?(): void;
  /** Worth a desktop notification when it appears (if the person turned them on). */
  notify?: boolean;
}

interface AttentionContextValue {
  items: AttentionItem[];
  report(source: string, items: AttentionItem[]): void;
}

const Ctx = createContext<AttentionContextValue>({ items: [], report: () => undefined });

export function AttentionProvider({ children }: { children: ReactNode }) {
  const [bySource, setBySource] = useState<Record<string, AttentionItem[]>>({});
  const report = useCallback((source: string, items: AttentionItem[]) => {
    setBySource((all) => {
      const before = all[source] ?? [];
      if (before.length === 0 && items.length === 0) return all;
      return { ...all, [source]: items };
    });
  }, []);
  const items = useMemo(() => Object.values(bySource).flat(), [bySource]);
  const value = useMemo(() => ({ items, report }), [items, report]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useAttentionItems = (): AttentionItem[] => useContext(Ctx).items;

/** Reports this source's items while the component is mounted (and none once it goes). */
export function useReportAttention(source: string, items: AttentionItem[]): void {
  const { report } = useContext(Ctx);
  const print = items.map((i) => `${i.key}|${i.label}|${i.tone}|${i.detail}`).join('\n');
  const latest = useRef(items);
  latest.current = items;
  useEffect(() => {
    report(
      source,
      latest.current.map((i) => ({ ...i, onSelect: i.onSelect && (() => latest.current.find((l) => l.key === i.key)?.onSelect?.()) })),
    );
  }, [report, source, print]);
  useEffect(() => () => report(source, []), [report, source]);
}

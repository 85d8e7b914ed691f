import Anser from 'anser';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { LogLine } from './useAgentLog';

const ROW_PX = 18;

/** One line of output with its ANSI colours as spans (anser parses; React escapes the text: never raw HTML). */
export const AnsiLine = memo(function AnsiLine({ text }: { text: string }) {
  const parts = Anser.ansiToJson(text, { use_classes: true, remove_empty: true });
  return (
    <>
      {parts.map((p, i) => {
        const classes = [p.fg && `${p.fg}-fg`, p.bg && `${p.bg}-bg`, ...p.decorations.map((d) => `ansi-${d}`)].filter(Boolean).join(' ');
        const style = p.fg_truecolor ? { color: `rgb(${p.fg_truecolor})` } : undefined;
        return (
          <span key={i} className={classes || undefined} style={style}>
            {p.content}
          </span>
        );
      })}
    </>
  );
});

const STEP_LABEL: Record<string, string> = {
  session: 'session',
  text: 'says',
  tool: 'tool',
  result: 'result',
  done: 'done',
  error: 'error',
  output: '',
};

function Row({ line }: { line: LogLine }) {
  if (!line.step) return <AnsiLine text={line.text} />;
  const { kind, tool, isError } = line.step;
  return (
    <span className={`step step-${kind}${isError ? ' step-error' : ''}`}>
      {STEP_LABEL[kind] && <span className="step-kind">{tool ? `${STEP_LABEL[kind]} ${tool}` : STEP_LABEL[kind]}</span>}
      <AnsiLine text={line.text.replace(/\n/g, ' ⏎ ')} />
    </span>
  );
}

/** The kept lines, virtualised (only what is on screen is in the DOM); follows the end while scrolled to it. */
export function OutputLines({ lines, label }: { lines: LogLine[]; label: string }) {
  const scroller = useRef<HTMLDivElement | null>(null);
  const atEnd = useRef(true);
  const virtual = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 20,
  });
  useEffect(() => {
    if (atEnd.current && lines.length > 0) virtual.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [lines, virtual]);
  return (
    <div
      ref={scroller}
      className="agent-output"
      data-testid="agent-output"
      role="log"
      aria-label={label}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_PX * 2;
      }}
    >
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((item) => (
          <div
            key={lines[item.index].key}
            className="agent-output-line"
            data-testid="agent-output-line"
            style={{ position: 'absolute', top: 0, left: 0, height: ROW_PX, transform: `translateY(${item.start}px)` }}
          >
            <Row line={lines[item.index]} />
          </div>
        ))}
      </div>
    </div>
  );
}

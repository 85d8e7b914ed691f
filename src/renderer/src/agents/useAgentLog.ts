import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgentStepView } from '../../../shared/agents-api';
import type { LockstepApi } from '../../../shared/api';
import { call, describeFailure } from '../api';

/** Lines (or steps) kept in the window per panel: a long run never grows memory without limit. */
export const MAX_LINES = 3000;
/** Further behind than this, the panel jumps to the newest output instead of reading everything in between. */
const SKIP_BYTES = 1024 * 1024;
const PIECE_BYTES = 256 * 1024;

export interface LogLine {
  key: number;
  /** The log byte where it starts (for steps: where its piece starts), so earlier output is read from the first kept. */
  at: number;
  text: string;
  step?: AgentStepView;
}

export interface AgentLog {
  lines: LogLine[];
  runId: string | null;
  /** The log byte where the kept lines begin: older output is read from there on request. */
  start: number;
  error: string | null;
  showEarlier(): Promise<void>;
}

let seq = 0;
const encoder = new TextEncoder();
function toLines(r: { text: string; steps: AgentStepView[]; format: string; offset: number }): LogLine[] {
  if (r.format !== 'text') return r.steps.map((step) => ({ key: seq++, at: r.offset, text: step.text, step }));
  const out: LogLine[] = [];
  let at = r.offset;
  for (const text of r.text.split('\n').slice(0, r.text.endsWith('\n') ? -1 : undefined)) {
    out.push({ key: seq++, at, text });
    at += encoder.encode(text).length + 1;
  }
  return out;
}

/**
 * The output of one agent's newest run: its last piece at first, then what main's agentOutput events announce
 * (read from where the last read ended), capped at MAX_LINES; "show earlier" reads the piece before `start`.
 */
export function useAgentLog(api: LockstepApi, team: string, agent: string): AgentLog {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [runId, setRunId] = useState<string | null>(null);
  const [start, setStart] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const pos = useRef({ runId: '', next: 0, size: 0, reading: false, again: false });

  const readTail = useCallback(async () => {
    const r = await call(api, 'readAgentLog', { team, agent });
    pos.current = { runId: r.runId, next: r.next, size: r.size, reading: false, again: false };
    setRunId(r.runId);
    setStart(r.offset);
    setLines(toLines(r).slice(-MAX_LINES));
  }, [api, team, agent]);

  const readNew = useCallback(async () => {
    const p = pos.current;
    if (p.reading) {
      p.again = true;
      return;
    }
    p.reading = true;
    try {
      do {
        p.again = false;
        // Far behind (a firehose): jump to the newest piece; what was skipped stays in the log ("show earlier").
        const jump = p.size - p.next > SKIP_BYTES;
        const r = await call(api, 'readAgentLog', { team, agent, runId: p.runId, offset: jump ? p.size - PIECE_BYTES : p.next });
        p.size = Math.max(p.size, r.size);
        if (r.next === p.next) break;
        p.next = r.next;
        // After a jump the piece starts inside a line: that first line is left to "show earlier".
        const added = jump ? toLines(r).slice(1) : toLines(r);
        setLines((prev) => {
          const all = jump ? added : prev.concat(added);
          return all.length <= MAX_LINES ? all : all.slice(-MAX_LINES);
        });
        if (r.next < r.size) p.again = true; // more was written than one read returns
      } while (p.again);
    } finally {
      p.reading = false;
    }
  }, [api, team, agent]);

  useEffect(() => {
    setLines([]);
    setError(null);
    readTail().catch((err) => setError(describeFailure(err)));
    return api.on('agentOutput', (e) => {
      if (e.team !== team || e.agent !== agent) return;
      pos.current.size = Math.max(pos.current.size, e.size);
      const read = e.runId === pos.current.runId ? readNew() : readTail();
      read.catch((err) => setError(describeFailure(err)));
    });
  }, [api, team, agent, readTail, readNew]);

  // The first kept line's place in the log (the tail's start before any output came).
  useEffect(() => {
    if (lines.length > 0) setStart(lines[0].at);
  }, [lines]);

  const showEarlier = useCallback(async () => {
    try {
      if (start === 0 || !pos.current.runId) return;
      const r = await call(api, 'readAgentLog', { team, agent, runId: pos.current.runId, before: start });
      // Older output goes on top, up to twice the cap; the next live output trims the oldest again.
      setLines((prev) =>
        toLines(r)
          .slice(-Math.max(0, 2 * MAX_LINES - prev.length))
          .concat(prev),
      );
      if (r.offset === 0) setStart(0);
    } catch (err) {
      setError(describeFailure(err));
    }
  }, [api, team, agent, start]);

  return { lines, runId, start, error, showEarlier };
}

// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LockstepApi } from '../../../shared/api';
import { MAX_LINES, useAgentLog } from './useAgentLog';

/**
 * The panel's output memory: a fake log of N numbered lines behind readAgentLog (the bounded pieces main answers
 * with), agentOutput events as main pushes them. Proves the cap holds and that earlier output comes from the log.
 */
function fakeLog(initial: number) {
  let lines = Array.from({ length: initial }, (_, i) => `line ${i}`);
  const text = () => lines.map((l) => `${l}\n`).join('');
  const listeners: Array<(e: unknown) => void> = [];
  const PIECE = 4096;
  const piece = (start: number, end: number) => {
    // Whole lines only, like main's wholeLines: start after a newline, end after one.
    const all = text();
    let s = start;
    if (s > 0) s = all.indexOf('\n', s - 1) + 1;
    const e = all.lastIndexOf('\n', end - 1) + 1;
    return {
      runId: 'r1',
      format: 'text',
      text: all.slice(s, Math.max(s, e)),
      steps: [],
      offset: s,
      next: Math.max(s, e),
      size: all.length,
    };
  };
  const api = {
    readAgentLog: async (input: { offset?: number; before?: number }) => {
      const size = text().length;
      if (input.before !== undefined) return { ok: true, value: piece(Math.max(0, input.before - PIECE), input.before) };
      if (input.offset !== undefined) return { ok: true, value: piece(input.offset, size) };
      return { ok: true, value: piece(Math.max(0, size - PIECE), size) };
    },
    on: (_event: string, cb: (e: unknown) => void) => {
      listeners.push(cb);
      return () => undefined;
    },
  } as unknown as LockstepApi;
  return {
    api,
    append(n: number) {
      const from = lines.length;
      lines = lines.concat(Array.from({ length: n }, (_, i) => `line ${from + i}`));
      for (const cb of listeners) cb({ team: 't', agent: 'a', runId: 'r1', size: text().length });
    },
  };
}

describe('useAgentLog', () => {
  it('keeps at most MAX_LINES while output streams in, newest last, none twice', async () => {
    const log = fakeLog(50);
    const { result } = renderHook(() => useAgentLog(log.api, 't', 'a'));
    await waitFor(() => expect(result.current.lines.at(-1)?.text).toBe('line 49'));
    for (let i = 0; i < 10; i++) await act(async () => log.append(500));
    await waitFor(() => expect(result.current.lines.at(-1)?.text).toBe('line 5049'));
    expect(result.current.lines).toHaveLength(MAX_LINES);
    expect(result.current.lines[0].text).toBe(`line ${5050 - MAX_LINES}`);
    const texts = result.current.lines.map((l) => l.text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('reads earlier output from the log on request, joining exactly where the kept lines begin', async () => {
    const log = fakeLog(2000);
    const { result } = renderHook(() => useAgentLog(log.api, 't', 'a'));
    await waitFor(() => expect(result.current.lines.at(-1)?.text).toBe('line 1999'));
    const first = Number(result.current.lines[0].text.split(' ')[1]);
    expect(first).toBeGreaterThan(0);
    expect(result.current.start).toBeGreaterThan(0);
    await act(() => result.current.showEarlier());
    const texts = result.current.lines.map((l) => l.text);
    const earliest = Number(texts[0].split(' ')[1]);
    expect(earliest).toBeLessThan(first);
    // Contiguous: every line from the earliest to the newest, once.
    expect(texts).toEqual(Array.from({ length: 2000 - earliest }, (_, i) => `line ${earliest + i}`));
  });

  it('far behind a firehose, jumps to the newest output and keeps only contiguous lines', async () => {
    const log = fakeLog(10);
    const { result } = renderHook(() => useAgentLog(log.api, 't', 'a'));
    await waitFor(() => expect(result.current.lines.at(-1)?.text).toBe('line 9'));
    await act(async () => log.append(150_000)); // about 1.6 MB at once
    await waitFor(() => expect(result.current.lines.at(-1)?.text).toBe('line 150009'));
    const texts = result.current.lines.map((l) => l.text);
    expect(texts.length).toBeLessThanOrEqual(MAX_LINES);
    const first = Number(texts[0].split(' ')[1]);
    expect(texts).toEqual(Array.from({ length: 150_010 - first }, (_, i) => `line ${first + i}`));
  });
});

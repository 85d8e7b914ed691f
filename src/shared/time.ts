/**
 * ClawTeam writes `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` and Python 3.10 cannot parse JavaScript's trailing `Z`,
 * so we format timestamps ourselves and read both forms.
 */

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

let lastMicros = 0;

/** Current time in microseconds since the epoch, strictly increasing within this process. */
export function nowMicros(): number {
  const perf = globalThis.performance;
  const micros = Math.floor((perf ? perf.timeOrigin + perf.now() : Date.now()) * 1000);
  lastMicros = micros > lastMicros ? micros : lastMicros + 1;
  return lastMicros;
}

export function formatTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const d = new Date(ms);
  const frac = micros - Math.floor(micros / 1_000_000) * 1_000_000;
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}` +
    `.${pad(frac, 6)}+00:00`
  );
}

export function nowTimestamp(): string {
  return formatTimestamp(nowMicros());
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses ClawTeam's and JavaScript's forms (and naive times, taken as UTC) to epoch microseconds, or null. */
export function parseTimestamp(value: string | null | undefined): number | null {
  if (!value) return null;
  const m = ISO_RE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  let micros =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) * 1000 + Number((frac + '000000').slice(0, 6));
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    micros -= sign * offsetMinutes * 60_000_000;
  }
  return Number.isFinite(micros) ? micros : null;
}

/** Parses `90s`, `5m`, `2h`, `1d`, `1500ms` or a bare number of seconds into milliseconds, or null. */
export function parseDuration(value: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1000;
  return n * factor;
}

/**
 * "3 s ago", "4 min ago", "2 h ago", "5 d ago" — for people: the one "… ago" rule (the window's cards, messages, activity
 * and approvals, the CLI, the store's refusals).
 */
export function describeAge(fromMicros: number, nowMicrosValue: number = nowMicros()): string {
  const seconds = Math.max(0, Math.round((nowMicrosValue - fromMicros) / 1_000_000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/**
 * The one cent rule for costs, in the CLI and the window alike: an amount in cents (costs may carry fractions of a
 * cent) is rounded to whole cents half up (42.5 ¢ → $0.43, −42.5 ¢ → −$0.43), then shown as dollars with two
 * decimals and thousands separators ("$1,234.57").
 */
export function roundCents(cents: number): number {
  if (!Number.isFinite(cents)) return 0;
  // Binary fractions (0.425 * 100 = 42.49999…) must not decide the rounding: look at nine decimals first.
  const steady = Math.round(Math.abs(cents) * 1e9) / 1e9;
  const whole = Math.floor(steady + 0.5);
  return cents < 0 && whole !== 0 ? -whole : whole;
}

export function formatCents(cents: number): string {
  const whole = roundCents(cents);
  const text = (Math.abs(whole) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${whole < 0 ? '−' : ''}$${text}`;
}

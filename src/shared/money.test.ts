import { describe, expect, it } from 'vitest';
import { formatCents, roundCents } from './money';

describe('the one cent rule', () => {
  it('rounds half a cent up, whatever binary fractions say', () => {
    expect(formatCents(42.5)).toBe('$0.43');
    expect(formatCents(42.4999)).toBe('$0.42');
    expect(formatCents(0.425 * 100)).toBe('$0.43');
    expect(formatCents(1.005 * 100)).toBe('$1.01');
    expect(roundCents(-42.5)).toBe(-43);
    expect(formatCents(-42.5)).toBe('−$0.43');
  });
  it('shows dollars with two decimals and thousands separators', () => {
    expect(formatCents(0)).toBe('$0.00');
    expect(formatCents(60)).toBe('$0.60');
    expect(formatCents(123456.5)).toBe('$1,234.57');
  });
});

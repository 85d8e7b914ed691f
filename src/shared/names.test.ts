import { describe, expect, it } from 'vitest';
import { displayNameFor, displayNameProblem, nameProblem, shortNameFor } from './names';

describe('shortNameFor', () => {
  it('makes a safe short name of what a person typed', () => {
    expect(shortNameFor('Sam Lee')).toBe('sam-lee');
    expect(shortNameFor('Marketing Launch', [], 'team')).toBe('marketing-launch');
    expect(shortNameFor('  Marketing   Launch!! ')).toBe('marketing-launch');
    expect(shortNameFor('José Ñúñez')).toBe('jose-nunez');
    expect(shortNameFor('Q3 / Q4 plan.')).toBe('q3-q4-plan');
    expect(shortNameFor('v1.2 release')).toBe('v1.2-release');
  });

  it('keeps a name that is safe already, as typed', () => {
    expect(shortNameFor('frontend')).toBe('frontend');
    expect(shortNameFor('Sam_Lee')).toBe('Sam_Lee');
  });

  it('is unique within what is taken (case ignored)', () => {
    expect(shortNameFor('Sam Lee', ['sam-lee'])).toBe('sam-lee-2');
    expect(shortNameFor('Sam Lee', ['SAM-LEE', 'sam-lee-2'])).toBe('sam-lee-3');
    expect(shortNameFor('frontend', ['frontend'])).toBe('frontend-2');
  });

  it('falls back when nothing usable is left, and never gives a name Windows reserves', () => {
    expect(shortNameFor('日本語', [], 'team')).toBe('team');
    expect(shortNameFor('!!!')).toBe('member');
    expect(shortNameFor('Con', [], 'team')).toBe('con-team');
    expect(shortNameFor('...')).toBe('member');
  });

  it('always gives a name the store accepts, at most 64 long', () => {
    for (const typed of ['Sam Lee', 'a'.repeat(200), `${'b '.repeat(50)}`, 'x.', '-lead-', 'ÆØÅ team', 'lpt1 printer', '\u00e9\u00e9']) {
      const short = shortNameFor(typed, ['sam-lee']);
      expect(nameProblem(short, 'member'), `${typed} → ${short}`).toBeNull();
    }
  });
});

describe('display names', () => {
  it('keeps the typed name beside the short one only when they differ', () => {
    expect(displayNameFor('Sam  Lee ', 'sam-lee')).toBe('Sam Lee');
    expect(displayNameFor('frontend', 'frontend')).toBeUndefined();
  });

  it('refuses empty, overlong and control-character names', () => {
    expect(displayNameProblem('Sam Lee')).toBeNull();
    expect(displayNameProblem('   ')).not.toBeNull();
    expect(displayNameProblem('x'.repeat(65))).not.toBeNull();
    expect(displayNameProblem('a\nb')).not.toBeNull();
  });
});

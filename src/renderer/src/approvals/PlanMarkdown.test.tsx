// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

afterEach(cleanup);
import { PlanMarkdown } from './PlanMarkdown';

describe('a plan rendered as Markdown', () => {
  it('renders Markdown, drops raw HTML, loads no image and follows no link', () => {
    const text =
      '# Title\n\n- **bold** item\n\n<script>alert(1)</script><img src="https://e.x/a.png"><b>raw</b>\n\n![mock](https://e.x/m.png) [site](https://e.x/)';
    const { container } = render(<PlanMarkdown text={text} />);
    expect(container.querySelector('h1')?.textContent).toBe('Title');
    expect(container.querySelector('li strong')?.textContent).toBe('bold');
    expect(container.querySelector('script, img, b, a, iframe')).toBeNull();
    expect(container.textContent).toContain('[image: mock]');
    expect(container.querySelector('.plan-link')?.getAttribute('title')).toBe('https://e.x/');
    expect(container.textContent).not.toContain('alert');
  });
});

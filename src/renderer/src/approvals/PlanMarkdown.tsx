import Markdown, { type Components } from 'react-markdown';

/**
 * A plan as Markdown, safely: raw HTML in the plan is dropped (skipHtml; no rehype-raw), images are never loaded
 * (shown as their description) and links do not navigate (their text, with the address on hover), so a plan can
 * neither run anything nor fetch anything from elsewhere.
 */
const components: Components = {
  img: ({ alt, src }) => (
    <span className="plan-image" title={typeof src === 'string' ? `Not loaded: ${src}` : undefined}>
      [image{alt ? `: ${alt}` : ''}]
    </span>
  ),
  a: ({ children, href }) => (
    <span className="plan-link" title={href}>
      {children}
    </span>
  ),
};

export function PlanMarkdown({ text }: { text: string }) {
  return (
    <div className="plan-markdown" data-testid="plan-markdown">
      <Markdown skipHtml components={components}>
        {text}
      </Markdown>
    </div>
  );
}

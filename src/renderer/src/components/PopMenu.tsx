import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A small menu on a <details> element: opens on click or Enter, closes on Escape, on a click elsewhere, and after a
 * choice inside it (a click on a button in it).
 */
export function PopMenu({
  label,
  title,
  className = '',
  testId,
  children,
}: {
  label: ReactNode;
  title?: string;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDetailsElement | null>(null);
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const menu = ref.current;
      if (menu?.open && !menu.contains(e.target as Node)) menu.open = false;
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, []);
  return (
    <details
      ref={ref}
      className={`pop-menu ${className}`}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && e.currentTarget.open) {
          e.currentTarget.open = false;
          e.stopPropagation();
          e.currentTarget.querySelector('summary')?.focus();
        }
      }}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('.pop-menu-body button') && ref.current) ref.current.open = false;
      }}
    >
      <summary title={title}>{label}</summary>
      <div className="pop-menu-body">{children}</div>
    </details>
  );
}

// What a view shows when it has nothing to show yet: why, and the actions that fill it.
import type { ReactNode } from 'react';

export function EmptyState({ title, why, children, testId }: { title: string; why: ReactNode; children?: ReactNode; testId: string }) {
  return (
    <section className="empty-state" data-testid={testId}>
      <h3>{title}</h3>
      <p>{why}</p>
      {children}
    </section>
  );
}

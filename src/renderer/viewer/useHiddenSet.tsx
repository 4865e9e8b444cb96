// The annotators a view has switched off, and the switch: shared by the viewer and the inspection views
// (.tsx: React's types stay out of the main-side type check, which has no DOM).
import { useCallback, useState } from 'react';

export function useHiddenSet(): [ReadonlySet<string>, (name: string, on: boolean) => void, () => void] {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback((name: string, on: boolean) => {
    setHidden((h) => {
      const next = new Set(h);
      if (on) next.delete(name);
      else next.add(name);
      return next;
    });
  }, []);
  const clear = useCallback(() => setHidden(new Set()), []);
  return [hidden, toggle, clear];
}

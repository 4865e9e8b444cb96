// WFDB annotations for the inspection views: they show the canonical row (what the models saw),
// so the annotations come on the canonical window's axis; the same list and toggles as the viewer.
import { useEffect, useState } from 'react';
import { useHiddenSet } from '../viewer/useHiddenSet.js';
import type { Annotations, ApiClient } from '../../shared/api.js';
import { AnnotatorList } from '../viewer/AnnotatorList.js';

export interface CanonicalAnnotations {
  readonly annotations: Annotations | null;
  readonly hidden: ReadonlySet<string>;
  readonly toggle: (name: string, on: boolean) => void;
}

/** The record's annotations on its canonical window; null until loaded or when `id` is null. */
export function useCanonicalAnnotations(client: ApiClient, id: number | null): CanonicalAnnotations {
  const [annotations, setAnnotations] = useState<Annotations | null>(null);
  const [hidden, toggle] = useHiddenSet();
  useEffect(() => {
    setAnnotations(null);
    if (id === null) return;
    let live = true;
    // An overlay is an aid: a record whose annotation files moved still shows its predictions.
    client.call('record.annotations', { id, source: 'canonical' }).then(
      (a) => live && setAnnotations(a),
      () => live && setAnnotations(null),
    );
    return () => {
      live = false;
    };
  }, [client, id]);
  return { annotations, hidden, toggle };
}

export function CanonicalAnnotationList({ state }: { state: CanonicalAnnotations }) {
  if (!state.annotations) return null;
  return <AnnotatorList annotators={state.annotations.annotators} hidden={state.hidden} onToggle={state.toggle} />;
}

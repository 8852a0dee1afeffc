import { useEffect, useRef } from 'preact/hooks';

/** Mounts the element an @observablehq/plot call returns; re-renders when `deps` change. */
export function PlotView(props: { make: () => Element | null; deps: unknown[]; testid?: string; empty?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = ref.current;
    if (!host) return;
    const el = props.make();
    if (el) host.replaceChildren(el);
    else
      host.replaceChildren(
        Object.assign(document.createElement('p'), { className: 'empty', textContent: props.empty ?? '' }),
      );
  }, props.deps);
  return <div class="plot" ref={ref} data-testid={props.testid} />;
}

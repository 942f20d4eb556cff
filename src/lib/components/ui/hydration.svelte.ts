// Whether the page's script has taken over the server-rendered HTML. A button that only works
// with script (type="button") does nothing when tapped before then, so Button keeps it disabled
// until the root layout has mounted: on a slow line it says it is not ready yet (to assistive
// technology, and to a tap that would otherwise start nothing) instead of seeming to work.
export const hydration = $state({ done: false });

/** Called once, by the root layout on mount (after every component of the page mounted). */
export function markHydrated(): void {
  hydration.done = true;
}

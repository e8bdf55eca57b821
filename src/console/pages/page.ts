/** A view of the console: it renders into `main` and may return what stops its timers on leaving. */
export type Page = (
  main: HTMLElement,
  at: { id: string; query: URLSearchParams },
) => Promise<(() => void) | undefined>;

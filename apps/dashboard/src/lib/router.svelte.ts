// History-API router: the URL is the state, so pages are shareable and Back/Forward work.
// Links stay real <a href> elements; one document-level listener turns plain clicks into pushState.
import { interceptedPath, matchRoute, type Route } from "./routes";

class Router {
  url: URL = $state.raw(new URL(window.location.href));
  route: Route = $derived(matchRoute(this.url.pathname));

  /** `quiet` keeps scroll and focus where they are: for filter changes made on the page itself. */
  navigate(to: string, options: { replace?: boolean; quiet?: boolean } = {}): void {
    const url = new URL(to, window.location.href);
    if (options.replace) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
    this.url = url;
    if (options.quiet) return;
    window.scrollTo(0, 0);
    // Move focus to the new page so keyboard and screen-reader users start at its top.
    requestAnimationFrame(() => document.getElementById("main")?.focus({ preventScroll: true }));
  }

  /** Installs the listeners; returns a function that removes them. */
  start(): () => void {
    const onPopState = () => {
      this.url = new URL(window.location.href);
    };
    const onClick = (event: MouseEvent) => {
      const anchor = event.target instanceof Element ? event.target.closest("a") : null;
      if (!(anchor instanceof HTMLAnchorElement) || !anchor.hasAttribute("href")) return;
      const current = new URL(window.location.href);
      const path = interceptedPath(
        event,
        {
          href: anchor.href,
          target: anchor.target,
          download: anchor.hasAttribute("download"),
          rel: anchor.rel,
        },
        current,
      );
      if (path === null) return;
      event.preventDefault();
      if (path !== current.pathname + current.search + current.hash) this.navigate(path);
    };
    window.addEventListener("popstate", onPopState);
    document.addEventListener("click", onClick);
    return () => {
      window.removeEventListener("popstate", onPopState);
      document.removeEventListener("click", onClick);
    };
  }
}

export const router = new Router();

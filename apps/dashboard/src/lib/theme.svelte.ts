// Light, dark, or follow the system. The choice is kept in localStorage and applied as data-theme on <html>
// (index.html applies it before first paint); app.css picks colours from it.

export type Theme = "system" | "light" | "dark";

const KEY = "n1radar-theme";

function stored(): Theme {
  try {
    const value = localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system"; // storage disabled
  }
}

class ThemeState {
  current: Theme = $state(stored());

  set(theme: Theme): void {
    this.current = theme;
    const root = document.documentElement;
    if (theme === "system") delete root.dataset.theme;
    else root.dataset.theme = theme;
    try {
      if (theme === "system") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, theme);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
  }

  /** system -> light -> dark -> system. */
  cycle(): void {
    this.set(this.current === "system" ? "light" : this.current === "light" ? "dark" : "system");
  }
}

export const theme = new ThemeState();

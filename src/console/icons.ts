/** Inline SVG icons (drawn here: no icon font, no outside request), hidden from screen readers. */
import { svg } from './dom.js';

const PATHS: Record<string, string> = {
  menu: 'M3 6h18M3 12h18M3 18h18',
  chart: 'M3 3v18h18M7 15l4-4 3 3 5-6',
  message: 'M4 5h16v11H8l-4 4z',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6',
  upload: 'M12 16V4M6 10l6-6 6 6M4 20h16',
  antenna:
    'M12 12v9M8 21h8M5 5a10 10 0 0 0 0 12M19 5a10 10 0 0 1 0 12M8.5 8a5 5 0 0 0 0 6M15.5 8a5 5 0 0 1 0 6',
  gear: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1',
};

export function icon(name: string): SVGElement {
  return svg(
    'svg',
    {
      class: 'icon',
      viewBox: '0 0 24 24',
      width: 18,
      height: 18,
      'aria-hidden': 'true',
      focusable: 'false',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
    },
    svg('path', { d: PATHS[name] ?? '' }),
  );
}

import { LabIcon } from '@jupyterlab/ui-components';

/** A cloud over a workstation; `jp-icon3` follows the theme's icon colour. */
const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
  <g class="jp-icon3" fill="#616161">
    <path d="M18.5 9.2A6 6 0 0 0 7.1 7.6 4.5 4.5 0 0 0 7.5 16.5h11a3.7 3.7 0 0 0 0-7.3zm0 5.8h-11a3 3 0 0 1-.3-6l.9-.1.3-.8a4.5 4.5 0 0 1 8.6 1.4l.1 1h1.4a2.2 2.2 0 0 1 0 4.5z"/>
    <rect x="8" y="18" width="8" height="1.6" rx=".8"/>
    <rect x="11.2" y="16" width="1.6" height="2.5"/>
  </g>
</svg>`;

export const cwsIcon = new LabIcon({ name: 'cws-jupyter:cloud', svgstr: svg });

/**
 * The Eka MCP icon the server shows to MCP clients (server info and every
 * tool), as a data: URI so it costs no request and works offline. It is
 * build/icons/32x32.png (drawn by build/generate-icons.ts); a test checks
 * that the two stay the same.
 */
import type { Icon } from '@modelcontextprotocol/server';

/** The 32x32 PNG, base64. */
export const ICON_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAABi0lEQVR4nNVXrW7DMBA29xsMFQ/5EQL3BiMGQRvdSxSPjIyPepE2sOGQkUrTSMlAOjBU4JKSEU9XpZJ7yTnn1F66kz4pis/+vtxPbAsxwqQ2SmpTIKgxa8WQllKbSmpjpTaOgG19ytTETYCUQnOUEKnNTGrzPoIYA9aYxZKrgVDHwrJrJAM5X0Qb9iD55e2be6hXrl6u3d7gGd7BGEMEnY5Qzi/mtftab92QgQ/4hmqCIi+pSfPH5SAxNpgTENHtDqrVKPKP1WYXdgA8R4poWF8PocT2vPh25zcvHV94B2PYAukofQFVnxPO+fX9YrDawcc3WIPwrXwBncqHisZfzm05HAmiO6zf9x0HyK1vfWGnAL6+wVqErxLtTtYZ9Pt8s/3ZFVQMYM7eYC1CQEEKSG3/T8CxKfAR6J4iSxFGQGVpQyZslh9RBKrkv+K71093dvXEFXC4IaXajJipOtyMUm/HjFT1H1YnPZCIUziSiakPpRlF8MlROqa5mCAh01zNCCF/fzklxCS7nv8CSUutG5prv8IAAAAASUVORK5CYII=';

/** The icons list for server info and tools. */
export const ICONS: Icon[] = [
  { src: `data:image/png;base64,${ICON_PNG_BASE64}`, mimeType: 'image/png', sizes: ['32x32'] },
];

/**
 * Starting the real Electron app for the tests in this folder: where its
 * binary is (or why these tests cannot run here), an isolated profile (home,
 * settings folder, keychain service) and the launch itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ElectronApplication, _electron as electron } from '@playwright/test';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The downloaded Electron executable, or null (node_modules/electron without its dist/). */
export function electronBinary(): string | null {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

/** Why the Electron tests cannot run on this machine, or undefined when they can. */
export function whyElectronCannotRun(): string | undefined {
  if (!electronBinary()) {
    return "no Electron binary (node_modules/electron/dist is missing: Electron's download needs GitHub); fetch it with `node node_modules/electron/install.js`";
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display: run them under xvfb-run (npm test does when xvfb-run is installed)';
  }
  if (!existsSync(join(root, 'dist', 'app', 'main.cjs'))) return 'the app is not built: run npm run build';
  return undefined;
}

/** Chromium switches the app needs here: no sandbox when running as root (CI containers). */
export function chromiumSwitches(): string[] {
  return process.getuid?.() === 0 ? ['--no-sandbox'] : [];
}

export interface Profile {
  home: string;
  settingsDir: string;
  keychainService: string;
}

/** The app's environment for `profile`: its own home, settings folder and keychain service, and the test hooks. */
export function appEnv(profile: Profile): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return {
    ...env,
    HOME: profile.home,
    XDG_CONFIG_HOME: join(profile.home, '.config'),
    EKA_MCP_HOME: profile.settingsDir,
    EKA_MCP_KEYCHAIN_SERVICE: profile.keychainService,
    EKA_MCP_E2E: '1',
  };
}

/** Launches the app from this checkout, hidden in the tray. */
export async function launchApp(profile: Profile): Promise<ElectronApplication> {
  const executablePath = electronBinary();
  if (!executablePath) throw new Error(whyElectronCannotRun());
  return electron.launch({
    executablePath,
    args: [...chromiumSwitches(), root, '--hidden'],
    env: appEnv(profile),
    cwd: root,
  });
}

/** Every process below `pid` (macOS and Linux, from ps). */
export function descendantsOf(pid: number): number[] {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of ps.stdout.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    for (const child of children.get(next) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Whether a process with this id still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// The local channel on which servers ask the app to sign in: only this
// user's socket, 0600, in a folder no one else can write to, is used.
import { chmod, lstat, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AppSignIn,
  listenForSignInRequests,
  requestAppSignIn,
  SIGNIN_SOCKET_NAME,
  untrustedChannelReason,
} from '../../server/desktop/signin-channel';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eka-channel-'));
  dirs.push(dir);
  return dir;
}

/** A sign-in the "app" runs: resolves its URL and result when the test says. */
function appSignIn() {
  let finish!: (outcome: 'signed-in' | 'cancelled') => void;
  let cancelled = 0;
  const begun: number[] = [];
  const begin = (): AppSignIn => {
    begun.push(Date.now());
    return {
      url: Promise.resolve('https://accounts.example/authorize?state=s'),
      result: new Promise((resolve) => {
        finish = (outcome) => resolve({ outcome, message: outcome });
      }),
      cancel: () => {
        cancelled += 1;
        finish('cancelled');
      },
    };
  };
  return { begin, begun, finish: (o: 'signed-in' | 'cancelled') => finish(o), cancelled: () => cancelled };
}

describe('sign-in channel', () => {
  it('listens on a 0600 socket in the settings folder and carries begin, started and result', async () => {
    const dir = await folder();
    const app = appSignIn();
    const server = await listenForSignInRequests(dir, app.begin);
    try {
      const info = await lstat(join(dir, SIGNIN_SOCKET_NAME));
      expect(info.isSocket()).toBe(true);
      expect(info.mode & 0o777).toBe(0o600);
      const request = await requestAppSignIn(dir);
      expect(request).not.toBeNull();
      expect(await request?.url).toBe('https://accounts.example/authorize?state=s');
      app.finish('signed-in');
      expect(await request?.result).toEqual({ outcome: 'signed-in', message: 'signed-in' });
      expect(app.begun).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('passes a cancel from the server to the app', async () => {
    const dir = await folder();
    const app = appSignIn();
    const server = await listenForSignInRequests(dir, app.begin);
    try {
      const request = await requestAppSignIn(dir);
      await request?.url;
      request?.cancel();
      expect((await request?.result)?.outcome).toBe('cancelled');
      expect(app.cancelled()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('is not used when the socket is open to other users or the folder is writable by them', async () => {
    const dir = await folder();
    const app = appSignIn();
    const server = await listenForSignInRequests(dir, app.begin);
    try {
      const path = join(dir, SIGNIN_SOCKET_NAME);
      await chmod(path, 0o666);
      const reasons: string[] = [];
      expect(await requestAppSignIn(dir, (reason) => reasons.push(reason))).toBeNull();
      expect(reasons[0]).toContain('open to other users');
      await chmod(path, 0o600);
      await chmod(dir, 0o777);
      expect(await untrustedChannelReason(dir, path)).toContain('writable by other users');
      await chmod(dir, 0o700);
      expect(await untrustedChannelReason(dir, path)).toBeUndefined();
      expect(app.begun).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('is not used when the path is a plain file, and finds no app when nothing listens', async () => {
    const dir = await folder();
    await writeFile(join(dir, SIGNIN_SOCKET_NAME), '', { mode: 0o600 });
    const reasons: string[] = [];
    expect(await requestAppSignIn(dir, (reason) => reasons.push(reason))).toBeNull();
    expect(reasons[0]).toContain('is not a socket');
    expect(await requestAppSignIn(await folder())).toBeNull();
  });

  it('refuses to take over a socket another live app answers on, and replaces a stale one', async () => {
    const dir = await folder();
    const first = await listenForSignInRequests(dir, appSignIn().begin);
    await expect(listenForSignInRequests(dir, appSignIn().begin)).rejects.toThrow(/already listens/);
    await first.close();
    // A socket left by an app that died (killed, so it could not remove it): a new app takes its place.
    const { spawn } = await import('node:child_process');
    const path = join(dir, SIGNIN_SOCKET_NAME);
    const dead = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.stdout.write('up'))`,
    ]);
    await new Promise((resolve) => dead.stdout.once('data', resolve));
    dead.kill('SIGKILL');
    await new Promise((resolve) => dead.once('exit', resolve));
    expect((await lstat(path)).isSocket()).toBe(true);
    const second = await listenForSignInRequests(dir, appSignIn().begin);
    expect(await requestAppSignIn(dir)).not.toBeNull();
    await second.close();
  });

  it('drops a connection that sends something other than the protocol', async () => {
    const dir = await folder();
    const app = appSignIn();
    const server = await listenForSignInRequests(dir, app.begin);
    try {
      const { connect } = await import('node:net');
      const closed = await new Promise<boolean>((resolve) => {
        const socket = connect(join(dir, SIGNIN_SOCKET_NAME));
        socket.on('connect', () => socket.write('{"type":"steal-tokens"}\n'));
        socket.on('close', () => resolve(true));
        socket.on('error', () => undefined);
      });
      expect(closed).toBe(true);
      expect(app.begun).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

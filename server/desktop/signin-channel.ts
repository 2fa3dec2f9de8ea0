/**
 * The local channel on which a server process asks the running app to start
 * "Sign in with Eka": a Unix socket in the settings folder (a per-user named
 * pipe on Windows), newline-delimited JSON, one request per connection.
 *
 * Who can reach it. Node exposes no peer credentials (SO_PEERCRED,
 * getpeereid) on a socket, so the checks are on the file system:
 * - the app creates the socket with umask 077 and sets it to 0600, in a
 *   settings folder that it owns and that no one else may write to;
 * - a server connects only to a socket that is a socket, owned by its own
 *   user, mode 0600 (no group or other bits), in a folder owned by its own
 *   user and not writable by group or others. Anything else is refused, and
 *   the server signs in by itself instead.
 * On Windows the pipe name carries a hash of the user name and the settings
 * folder; a named pipe's default security lets only its creator, SYSTEM and
 * administrators write to it.
 *
 * Protocol. The server sends `{"type":"begin"}`; the app answers
 * `{"type":"started","url":...}` once the browser is open (the URL is shown
 * to the client by URL elicitation), then `{"type":"result",...}` and closes.
 * The server may send `{"type":"cancel"}` (the clinician declined in the
 * client). Nothing secret travels on it: no token, no code.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, stat, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Name of the app's socket in the settings folder (Unix). */
export const SIGNIN_SOCKET_NAME = 'signin.sock';

/** How a sign-in asked for on the channel ended. */
export const signInOutcomeSchema = z.enum(['signed-in', 'cancelled', 'denied', 'failed', 'timeout']);
export type SignInOutcome = z.infer<typeof signInOutcomeSchema>;

const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('begin') }),
  z.object({ type: z.literal('cancel') }),
]);

const replySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), url: z.string().url() }),
  z.object({ type: z.literal('result'), outcome: signInOutcomeSchema, message: z.string().max(2000) }),
]);
type Reply = z.infer<typeof replySchema>;

/** Longest line either side accepts. */
const MAX_LINE = 16 * 1024;

/** Where the app listens for sign-in requests: a socket in `dir`, or a per-user pipe on Windows. */
export function signInChannelPath(dir: string, platform = process.platform): string {
  if (platform === 'win32') {
    const hash = createHash('sha256').update(`${userInfo().username}\0${dir}`).digest('hex').slice(0, 24);
    return `\\\\.\\pipe\\eka-mcp-signin-${hash}`;
  }
  return join(dir, SIGNIN_SOCKET_NAME);
}

/**
 * Why the socket at `path` in `dir` may not be trusted, or `undefined` when
 * it may: it must be a socket of this user, mode 0600, in a folder of this
 * user that no one else can write to.
 */
export async function untrustedChannelReason(dir: string, path: string): Promise<string | undefined> {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return undefined;
  const uid = process.getuid();
  const folder = await stat(dir);
  if (folder.uid !== uid) return `the settings folder ${dir} belongs to another user`;
  if ((folder.mode & 0o022) !== 0) return `the settings folder ${dir} is writable by other users`;
  const file = await lstat(path);
  if (!file.isSocket()) return `${path} is not a socket`;
  if (file.uid !== uid) return `${path} belongs to another user`;
  if ((file.mode & 0o077) !== 0) return `${path} is open to other users`;
  return undefined;
}

/** Reads newline-delimited JSON from `socket`, calling `onLine` per line; a line too long ends the socket. */
function readLines(socket: Socket, onLine: (value: unknown) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      onLine(value);
      newline = buffer.indexOf('\n');
    }
    if (buffer.length > MAX_LINE) socket.destroy();
  });
}

function writeLine(socket: Socket, value: unknown): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(value)}\n`);
}

/** One sign-in the app runs for a request: the URL once the browser is open, and how it ended. */
export interface AppSignIn {
  url: Promise<string>;
  result: Promise<{ outcome: SignInOutcome; message: string }>;
  /** Cancels the sign-in (the clinician declined in the client). */
  cancel(): void;
}

export interface SignInChannelServer {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Listens for sign-in requests in `dir` (the app side). `begin` starts a
 * sign-in, or joins the one in progress. Refuses to take over a socket that
 * another live app answers on.
 */
export async function listenForSignInRequests(
  dir: string,
  begin: () => AppSignIn,
): Promise<SignInChannelServer> {
  const path = signInChannelPath(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') {
    const folder = await stat(dir);
    if ((folder.mode & 0o022) !== 0) await chmod(dir, folder.mode & ~0o022);
    if (await answers(path)) throw new Error(`Another Eka MCP already listens on ${path}`);
    await unlink(path).catch(() => undefined);
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let running: AppSignIn | undefined;
    readLines(socket, (value) => {
      const request = requestSchema.safeParse(value);
      if (!request.success) {
        socket.destroy();
        return;
      }
      if (request.data.type === 'cancel') {
        running?.cancel();
        return;
      }
      if (running) return;
      running = begin();
      running.url.then(
        (url) => writeLine(socket, { type: 'started', url } satisfies Reply),
        () => undefined,
      );
      void running.result.then((result) => {
        writeLine(socket, { type: 'result', ...result } satisfies Reply);
        socket.end();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // umask 077 while binding: the socket is never reachable by others, even before the chmod.
    const previous = process.platform === 'win32' ? undefined : process.umask(0o077);
    try {
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });
  if (process.platform !== 'win32') await chmod(path, 0o600);
  return {
    path,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (process.platform !== 'win32') await unlink(path).catch(() => undefined);
    },
  };
}

/** Whether something answers on the socket at `path` (a live app). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A sign-in the app started for this server process. */
export interface RequestedSignIn {
  /** Resolves with the sign-in URL once the app opened the browser. */
  url: Promise<string>;
  result: Promise<{ outcome: SignInOutcome; message: string }>;
  cancel(): void;
}

/**
 * Asks the running app in `dir` to start sign-in (the server side).
 * Resolves `null` when no trusted app answers (none running, or the socket
 * fails the ownership checks: then `onUntrusted` is told why).
 */
export async function requestAppSignIn(
  dir: string,
  onUntrusted?: (reason: string) => void,
): Promise<RequestedSignIn | null> {
  const path = signInChannelPath(dir);
  try {
    const reason = await untrustedChannelReason(dir, path);
    if (reason) {
      onUntrusted?.(reason);
      return null;
    }
  } catch {
    return null;
  }
  const socket = await new Promise<Socket | null>((resolve) => {
    const candidate = connect(path);
    candidate.once('connect', () => {
      candidate.off('error', onError);
      resolve(candidate);
    });
    const onError = () => resolve(null);
    candidate.once('error', onError);
  });
  if (!socket) return null;
  socket.on('error', () => undefined);
  let resolveUrl!: (url: string) => void;
  let rejectUrl!: (error: Error) => void;
  const url = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    rejectUrl = reject;
  });
  url.catch(() => undefined);
  const result = new Promise<{ outcome: SignInOutcome; message: string }>((resolve) => {
    let done = false;
    readLines(socket, (value) => {
      const reply = replySchema.safeParse(value);
      if (!reply.success) {
        socket.destroy();
        return;
      }
      if (reply.data.type === 'started') resolveUrl(reply.data.url);
      else {
        done = true;
        resolve({ outcome: reply.data.outcome, message: reply.data.message });
      }
    });
    socket.once('close', () => {
      rejectUrl(new Error('The app closed the sign-in channel'));
      if (!done) resolve({ outcome: 'failed', message: 'Eka MCP stopped before the sign-in finished' });
    });
  });
  writeLine(socket, { type: 'begin' });
  return {
    url,
    result,
    cancel: () => writeLine(socket, { type: 'cancel' }),
  };
}

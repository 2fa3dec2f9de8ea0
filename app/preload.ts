/**
 * The preload script: exposes `window.eka` (generated from the contract) to
 * the sandboxed, context-isolated renderer. Nothing else crosses.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './electron/preload-api';

contextBridge.exposeInMainWorld('eka', createPreloadApi(ipcRenderer));

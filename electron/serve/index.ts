/** The browser host: Ferry's contract over HTTP + WebSocket on 127.0.0.1. */
export { startServe, type RunningServe, type ServeOptions } from './server';

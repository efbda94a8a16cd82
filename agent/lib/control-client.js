'use strict';

// A tiny client for the agent's control channel, used by the CLI.

const http = require('node:http');
const { abortError } = require('./errors');

const LOOPBACK_HOST = '127.0.0.1';

/**
 * Sends one request to http://127.0.0.1:port and resolves { status, body }
 * (body parsed as JSON when possible). Rejects on connection errors, with
 * err.code as set by Node (ECONNREFUSED, ...) or 'ETIMEDOUT'.
 */
function controlRequest(port, method, path, { body, token, timeoutMs = 5000, signal } = {}) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(abortError());
      return;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    const req = http.request({ host: LOOPBACK_HOST, port, method, path, headers, agent: false });
    const timer = setTimeout(() => {
      const err = new Error(`no answer from ${LOOPBACK_HOST}:${port} within ${timeoutMs} ms`);
      err.code = 'ETIMEDOUT';
      req.destroy(err);
    }, timeoutMs);
    const onAbort = () => req.destroy(abortError());
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', onAbort);
    };
    req.on('error', (err) => {
      cleanup();
      reject(err);
    });
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (err) => {
        cleanup();
        reject(err);
      });
      res.on('end', () => {
        cleanup();
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text (some other service answered)
        }
        resolve({ status: res.statusCode, body: parsed });
      });
    });
    req.end(payload);
  });
}

module.exports = { controlRequest };

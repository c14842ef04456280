// Fault html200: a proxy's HTML error page served with status 200 (what a misconfigured gateway does).
import type { Fault } from './types.js';

const PAGE = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>\n';

export const faultHtml200: Fault = {
  kind: 'html200',
  summary: 'an HTML error page with status 200',
  takeOver(env) {
    env.res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(PAGE) });
    env.res.end(PAGE);
    return true;
  },
};
